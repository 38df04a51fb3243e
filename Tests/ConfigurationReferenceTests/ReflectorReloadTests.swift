import Foundation
import ReflectorConfiguration
import Testing

/// SIGHUP on the reflector: only `neighbors` is applied; every other field
/// the file changes is named, as the file spells it.
struct ReflectorReloadTests {
    static let running = """
        as: 65000
        router-id: 10.0.0.1
        listen: 127.0.0.1:179
        timers: {hold: 90}
        neighbors:
          - address: 10.0.0.2
        """

    @Test(arguments: [
        ("  - address: 10.0.0.2", "  - address: 10.0.0.2\n  - address: 10.0.0.3", [String]()),
        ("as: 65000", "as: 65001", ["as"]),
        ("listen: 127.0.0.1:179", "listen: '[::1]:179'", ["listen"]),
        ("timers: {hold: 90}", "timers: {hold: 30}", ["timers"]),
        ("timers: {hold: 90}", "timers: {hold: 90}\nbmp: '[::1]:11019'\nlog-level: debug", ["log-level", "bmp"]),
    ])
    func namesWhatASIGHUPLeaves(from: String, to: String, changed: [String]) throws {
        #expect(Self.running.contains(from))
        let running = try ConfigurationFile.parse(Self.running, file: "rr.yaml")
        let next = try ConfigurationFile.parse(Self.running.replacingOccurrences(of: from, with: to), file: "rr.yaml")
        #expect(running.restartOnlyChanges(in: next) == changed)
    }
}
