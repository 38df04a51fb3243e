import ConfigurationReader
import Testing

/// A table of restart-only settings on its own: what it names changed, in
/// the table's order, and what keeping gives back.
struct RestartOnlySettingTests {
    struct Settings: Equatable, Sendable {
        var level = "info"
        var host = "127.0.0.1"
        var port = 179
        var peers: [String] = []
        var live = 0
    }

    static let table: [RestartOnlySetting<Settings>] = [
        RestartOnlySetting("log-level", \.level),
        RestartOnlySetting("listen", \.host, \.port),
        RestartOnlySetting("peers (none to some, or back)", whether: \.peers.isEmpty, keeping: \.peers),
    ]

    static let edits: [(String, @Sendable (inout Settings) -> Void, [String])] = [
        ("a live field only", { $0.live = 1 }, []),
        ("one field of two", { $0.port = 1790 }, ["listen"]),
        ("both fields of one setting", { $0.host = "::1"; $0.port = 1790 }, ["listen"]),
        ("more peers where there were some", { $0.peers = ["b", "c"] }, []),
        ("no peers where there were some", { $0.peers = [] }, ["peers (none to some, or back)"]),
        ("two settings, in the table's order", { $0.port = 1; $0.level = "debug"; $0.live = 2 }, ["log-level", "listen"]),
    ]

    @Test(arguments: edits)
    func changesAndKeeping(_ name: String, edit: @Sendable (inout Settings) -> Void, changed: [String]) {
        let running = Settings(peers: ["a"])
        var next = running
        edit(&next)
        #expect(Self.table.changes(from: running, to: next) == changed, "\(name)")
        let kept = Self.table.keeping(of: running, in: next)
        #expect(Self.table.changes(from: running, to: kept).isEmpty, "\(name)")
        // What is not restart-only stays as the new file has it.
        #expect(kept.live == next.live)
        if changed.isEmpty { #expect(kept == next, "\(name)") }
    }
}
