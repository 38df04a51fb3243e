import BGP
import Foundation
import Testing
import TestSupport

/// The built `swiftplane-rr`: flag errors, help, and SIGTERM with peers up.
@Suite(.enabled(if: Command.builtProduct("swiftplane-rr") != nil, "swiftplane-rr not built (swift build --build-tests builds it)"))
struct RouteReflectorDaemonTests {
    static let binary = Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr"
    static let required = ["--as", "65000", "--router-id", "127.0.0.1"]

    struct BadFlag: Sendable, CustomStringConvertible {
        var flag: String
        var value: String
        var description: String { "\(flag) \(value)" }
    }

    static let badFlags: [BadFlag] = [
        BadFlag(flag: "--as", value: "sixty"),
        BadFlag(flag: "--as", value: "0"),
        BadFlag(flag: "--router-id", value: "127.0.0"),
        BadFlag(flag: "--cluster-id", value: "300.1.1.1"),
        BadFlag(flag: "--listen", value: "127.0.0.1:70000"),
        BadFlag(flag: "--listen", value: "localhost"),
        BadFlag(flag: "--accept", value: "10.0.0.0/33"),
        BadFlag(flag: "--hold-time", value: "2"),
        BadFlag(flag: "--max-peers", value: "lots"),
        BadFlag(flag: "--log-level", value: "loud"),
        BadFlag(flag: "--neighbor", value: "10.0.0.5:0"),
    ]

    @Test(arguments: badFlags)
    func badValueNamesFlagAndValueAndExits2(_ bad: BadFlag) throws {
        // A later occurrence of a single-valued option overrides the first.
        let r = try Command.run(Self.binary, Self.required + [bad.flag, bad.value])
        #expect(r.status == 2)
        #expect(r.stderr.contains(bad.flag), "\(r.stderr)")
        #expect(r.stderr.contains(bad.value), "\(r.stderr)")
    }

    @Test func helpTeachesWithAnExample() throws {
        let r = try Command.run(Self.binary, ["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("swiftplane-rr --as 65000 --router-id 127.0.0.1"))
        #expect(r.stdout.contains("--accept"))
    }

    @Test func sigtermSendsCeaseAndExitsZero() async throws {
        let port = freeLoopbackPort()
        let process = try Daemon([Self.binary] + Self.required + ["--listen", "127.0.0.1:\(port)", "--accept", "127.66.0.0/16", "--log-level", "error",
                                                                  "--admin-socket", NSTemporaryDirectory() + "swiftplane-rr-\(port).sock"])
        defer { process.stop() }

        let peer = await RawPeer.dial(from: IPv4Address(127, 66, 0, 1), toPort: port, while: process)
        let p = try #require(peer, "swiftplane-rr did not listen on \(port)")
        defer { p.close() }
        try await p.establish()
        process.send(SIGTERM)
        guard case .notification(let n)? = try await p.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("no NOTIFICATION after SIGTERM"); return
        }
        #expect(n.error == .cease(.administrativeShutdown))
        #expect(process.waitForExit(within: 10))
        #expect(process.terminationStatus == 0)
    }
}
