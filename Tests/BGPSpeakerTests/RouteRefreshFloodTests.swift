import BGP
import BGPSpeaker
import Foundation
import Testing
import TestSupport

/// A client that asks for the table every 10 ms and never
/// reads must cost swiftplane-rr neither unbounded memory nor the other
/// clients their service.
@Suite(.enabled(if: ReflectorProcess.available, "swiftplane-rr not built"))
struct RouteRefreshFloodTests {
    /// The resident set of a process, in octets (Linux /proc).
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return nil }
        return kB * 1024
    }

    @Test func refreshFloodFromAClientThatNeverReads() async throws {
        let net = UInt8.random(in: 10...250)
        let port = freeLoopbackPort()
        let folder = try TemporaryFolder.create("swiftplane-rr-refresh")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rr = try ReflectorProcess.start(port: port, "accept: [127.94.\(net).0/24]", in: folder)
        defer { rr.stop() }
        func dial(_ last: UInt8) async throws -> RawPeer {
            guard let peer = await RawPeer.dial(from: IPv4Address(127, 94, net, last), toPort: port, while: rr) else { throw RawPeer.Failure("swiftplane-rr does not listen on \(port)") }
            try await peer.establish()
            return peer
        }
        let originator = try await dial(2)
        let receiver = try await dial(3)
        defer { originator.close(); receiver.close() }
        // A table of 20,000 routes (about 1 MB of UPDATEs per copy).
        let routes = (0..<20000).map { Routes.macIP(UInt32($0)) }
        for chunk in stride(from: 0, to: routes.count, by: 80) {
            try originator.send(.update(Routes.announce(Array(routes[chunk..<min(chunk + 80, routes.count)]), Routes.attributes())))
        }
        try originator.send(.update(.endOfRIB(.l2vpnEVPN)))
        let received = ReceivedRoutes()
        let loaded = try await receiver.receive { m in received.count(m) >= routes.count }
        #expect(loaded != nil, "the receiver got \(received.total) routes")

        let flooder = try await dial(4)
        defer { flooder.close() }
        try await Task.sleep(for: .milliseconds(300))
        let before = try #require(Self.residentBytes(rr.pid))
        // ROUTE-REFRESH every 10 ms for 4 s; its socket is never read.
        let flood = Task.detached {
            for _ in 0..<400 {
                try? flooder.send(.routeRefresh(RouteRefresh(family: .l2vpnEVPN)))
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        // Meanwhile the other clients carry on: a new route reaches the receiver.
        try await Task.sleep(for: .seconds(2))
        let fresh = Routes.macIP(99_999)
        try originator.send(.update(Routes.announce([fresh], Routes.attributes())))
        let start = Date()
        let got = try await receiver.receive { m in
            if case .update(let u) = m { u.reach?.nlri.contains(fresh) == true } else { false }
        }
        #expect(got != nil, "the receiver did not get the new route during the flood")
        #expect(Date().timeIntervalSince(start) < 2, "the new route took \(Date().timeIntervalSince(start)) s")
        await flood.value
        // What was asked for has been served by now (or merged, or dropped).
        try await Task.sleep(for: .seconds(2))
        let after = try #require(Self.residentBytes(rr.pid))
        print("refresh flood: swiftplane-rr resident \(before >> 20) MiB before, \(after >> 20) MiB after")
        #expect(ProcessState.isRunning(rr.pid))
        // 400 requests for a 1 MB table would queue about 400 MB if each were served.
        #expect(after - before < 16 << 20, "swiftplane-rr grew from \(before >> 20) MiB to \(after >> 20) MiB")
    }
}

/// Counts the routes announced in the messages a receiver reads.
final class ReceivedRoutes: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var total: Int { lock.withLock { n } }
    func count(_ m: BGPMessage) -> Int {
        lock.withLock {
            if case .update(let u) = m { n += u.reach?.nlri.count ?? 0 }
            return n
        }
    }
}
