import BGP
import Foundation
import NIOCore
import NIOPosix

/// The figures of one load against one route reflector.
struct BGPBenchRun: Codable, Sendable {
    var reflector: String
    var routes: Int
    var receivers: Int
    /// Route targets the routes are spread over, each receiver importing one
    /// with route target constraint (RFC 4684); nil: one, every receiver gets all.
    var tenants: Int?
    var announceSeconds: Double
    var withdrawSeconds: Double
    var peakRSSBytes: Int?
    /// Peak RSS over routes, and the growth over the idle, established RSS.
    var bytesPerRoute: Double?
    var growthBytesPerRoute: Double?
    /// RSS once every receiver held every route (the stored table, no UPDATEs in flight), per route.
    var storedBytesPerRoute: Double?
    /// Type-2 NLRI the receivers saw in total (exactly routes × receivers when nothing was sent twice).
    var announcedNLRI: Int
    var withdrawnNLRI: Int

    static func measure(_ kind: BGPBenchReflector.Kind, executable: String, routes: Int, receivers: Int,
                        tenants: Int = 0, timeout: Int) async throws -> BGPBenchRun {
        let load = BGPBenchLoad(routes: routes, nextHop: IPv4Address(127, 0, 0, 2), tenants: tenants)
        let group = MultiThreadedEventLoopGroup.singleton
        let port = try await BGPBenchReflector.freePort(group: group)
        // Injector 127.0.0.2, receivers 127.0.0.3 and up: distinct peers to the RR.
        let receiverAddresses: [IPv4Address] = (0..<receivers).map { i in IPv4Address(rawValue: 0x7f00_0003 + UInt32(i)) }
        let peers = [IPv4Address(127, 0, 0, 2)] + receiverAddresses
        let reflector: BGPBenchReflector
        switch kind {
        case .swiftplane: reflector = try .swiftplane(executable: executable, port: port)
        case .gobgp: reflector = try .gobgp(executable: executable, port: port, apiPort: try await BGPBenchReflector.freePort(group: group),
                                            peers: peers.map { "\($0)" })
        }
        var channels: [any Channel] = []
        defer {
            for c in channels { c.close(promise: nil) }
            reflector.stop()
        }
        let deadline = NIODeadline.now() + .seconds(Int64(timeout))
        var receiverPeers: [BGPBenchPeer] = []
        for (k, address) in receiverAddresses.enumerated() {
            // Receiver k imports tenant k mod T.
            let peer = try await connect(group: group, local: address, port: port, routes: routes, receiver: true,
                                         tenants: tenants, tenant: tenants > 0 ? k % tenants : 0, deadline: deadline)
            channels.append(peer.channel)
            receiverPeers.append(peer)
        }
        for p in receiverPeers { try await p.established.get() }
        let injector = try await connect(group: group, local: peers[0], port: port, routes: routes, receiver: false, deadline: deadline)
        channels.append(injector.channel)
        try await injector.established.get()
        let idleRSS = reflector.peakRSS

        let announceStart = NIODeadline.now()
        try await injector.inject(load.announcements)
        var announced: [BGPBenchMark] = []
        for p in receiverPeers { if let f = p.allAnnounced { announced.append(try await f.get()) } }
        let storedRSS = reflector.currentRSS
        let withdrawStart = NIODeadline.now()
        try await injector.inject(load.withdrawals)
        var withdrawn: [BGPBenchMark] = []
        for p in receiverPeers { if let f = p.allWithdrawn { withdrawn.append(try await f.get()) } }
        let peak = reflector.peakRSS

        func seconds(_ marks: [BGPBenchMark], from start: NIODeadline) -> Double {
            Double(((marks.map(\.at).max() ?? start) - start).nanoseconds) / 1e9
        }
        return BGPBenchRun(
            reflector: kind.rawValue, routes: routes, receivers: receivers, tenants: tenants > 0 ? tenants : nil,
            announceSeconds: seconds(announced, from: announceStart), withdrawSeconds: seconds(withdrawn, from: withdrawStart),
            peakRSSBytes: peak, bytesPerRoute: peak.map { Double($0) / Double(routes) },
            growthBytesPerRoute: peak.flatMap { p in idleRSS.map { Double(p - $0) / Double(routes) } },
            storedBytesPerRoute: storedRSS.map { Double($0) / Double(routes) },
            announcedNLRI: withdrawn.map(\.announcedNLRI).reduce(0, +), withdrawnNLRI: withdrawn.map(\.withdrawnNLRI).reduce(0, +))
    }

    /// Connects, retrying while the freshly started reflector is not listening yet.
    private static func connect(group: any EventLoopGroup, local: IPv4Address, port: Int, routes: Int, receiver: Bool,
                                tenants: Int = 0, tenant: Int = 0, deadline: NIODeadline) async throws -> BGPBenchPeer {
        let giveUp = NIODeadline.now() + .seconds(10)
        while true {
            do {
                return try await BGPBenchPeer.connect(group: group, local: local, to: port, routes: routes, receiver: receiver,
                                                      tenants: tenants, tenant: tenant, deadline: deadline)
            } catch {
                if NIODeadline.now() > giveUp { throw error }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
        }
    }
}

/// All runs of one invocation, and GoBGP's time over ours at its size.
struct BGPBenchReport: Codable, Sendable {
    struct Ratio: Codable, Sendable {
        var routes: Int
        var announce: Double
        var withdraw: Double
    }

    var loadAverage: String
    var runs: [BGPBenchRun]
    var gobgpRatio: Ratio?

    var text: String {
        var lines = ["load average \(loadAverage)"]
        for r in runs {
            let rss = r.peakRSSBytes.map { "\($0 / 1_048_576) MiB" } ?? "?"
            let per = r.bytesPerRoute.map { String(format: "%.0f", $0) } ?? "?"
            let growth = r.growthBytesPerRoute.map { String(format: "%.0f", $0) } ?? "?"
            let stored = r.storedBytesPerRoute.map { String(format: "%.0f", $0) } ?? "?"
            let spread = r.tenants.map { " (\($0) tenants, each receiver imports one with route target constraint)" } ?? ""
            lines.append("\(r.reflector): \(r.routes) routes\(spread) to \(r.receivers) receivers: all announced in "
                         + String(format: "%.3f s, all withdrawn in %.3f s; ", r.announceSeconds, r.withdrawSeconds)
                         + "peak RSS \(rss) (\(per) B/route, \(growth) B/route over idle; \(stored) B/route RSS with all stored)")
        }
        if let g = gobgpRatio {
            lines.append(String(format: "gobgp/swiftplane at %d routes: announce %.1fx, withdraw %.1fx", g.routes, g.announce, g.withdraw))
        }
        return lines.joined(separator: "\n")
    }
}
