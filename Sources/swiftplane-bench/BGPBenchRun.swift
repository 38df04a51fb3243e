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
    /// Tenants each receiver imports, with route target constraint.
    var imports: Int?
    var announceSeconds: Double
    /// From the injector's last UPDATE taken by its socket until every receiver was exact.
    var announceAfterLastUpdateSeconds: Double
    var withdrawAfterLastUpdateSeconds: Double
    var withdrawSeconds: Double
    var peakRSSBytes: Int?
    /// Peak RSS over routes, and the growth over the idle, established RSS.
    var bytesPerRoute: Double?
    var growthBytesPerRoute: Double?
    /// RSS once every receiver held every route (the stored table, no UPDATEs in flight), per route.
    var storedBytesPerRoute: Double?
    /// RSS growth per receiver from one established receiver to all of them (before any route).
    var idleBytesPerReceiver: Double?
    /// RSS growth per receiver from one established receiver to all of them holding every route they import.
    var storedBytesPerReceiver: Double?
    /// Type-2 NLRI the receivers saw in total (exactly routes × receivers when nothing was sent twice).
    var announcedNLRI: Int
    var withdrawnNLRI: Int

    static func measure(_ kind: BGPBenchReflector.Kind, executable: String, routes: Int, receivers: Int,
                        tenants: Int = 0, imports: Int = 1, timeout: Int) async throws -> BGPBenchRun {
        let load = BGPBenchLoad(routes: routes, nextHop: injectorAddress, tenants: tenants)
        let group = MultiThreadedEventLoopGroup.singleton
        let port = try await BGPBenchReflector.freePort(group: group)
        let receiverAddresses = Self.receiverAddresses(receivers)
        let peers = [injectorAddress] + receiverAddresses
        let reflector: BGPBenchReflector
        switch kind {
        case .swiftplane: reflector = try .swiftplane(executable: executable, port: port, maximumPeers: peers.count + 10)
        case .frr: reflector = try .frr(executable: executable, port: port, maximumPeers: peers.count + 10)
        case .gobgp: reflector = try .gobgp(executable: executable, port: port, apiPort: try await BGPBenchReflector.freePort(group: group),
                                            peers: peers.map { "\($0)" })
        }
        var sessions = Sessions(reflector: reflector)
        defer { sessions.end() }
        let deadline = NIODeadline.now() + .seconds(Int64(timeout))
        var receiverPeers: [BGPBenchPeer] = []
        var oneReceiverRSS: Int?
        for (k, address) in receiverAddresses.enumerated() {
            // Receiver k imports tenants k*imports ... k*imports+imports-1, mod T.
            let peer = try await connect(group: group, local: address, port: port, routes: routes, receiver: true,
                                         tenants: tenants, tenant: tenants > 0 ? k * imports % tenants : 0, imports: imports,
                                         reportsProgress: k == 0, deadline: deadline)
            sessions.channels.append(peer.channel)
            receiverPeers.append(peer)
            if k == 0 {
                try await peer.established.get()
                oneReceiverRSS = reflector.currentRSS
            }
        }
        for p in receiverPeers { try await p.established.get() }
        let injector = try await connect(group: group, local: peers[0], port: port, routes: routes, receiver: false, deadline: deadline)
        sessions.channels.append(injector.channel)
        try await injector.established.get()
        let idleRSS = reflector.peakRSS
        let idleCurrentRSS = reflector.currentRSS

        let announceStart = NIODeadline.now()
        try await injector.inject(load.announcements)
        let lastAnnouncement = NIODeadline.now()
        var announced: [BGPBenchMark] = []
        for p in receiverPeers { if let f = p.allAnnounced { announced.append(try await f.get()) } }
        let storedRSS = reflector.currentRSS
        let withdrawStart = NIODeadline.now()
        try await injector.inject(load.withdrawals)
        let lastWithdrawal = NIODeadline.now()
        var withdrawn: [BGPBenchMark] = []
        for p in receiverPeers { if let f = p.allWithdrawn { withdrawn.append(try await f.get()) } }
        let peak = reflector.peakRSS

        func seconds(_ marks: [BGPBenchMark], from start: NIODeadline) -> Double {
            Double(((marks.map(\.at).max() ?? start) - start).nanoseconds) / 1e9
        }
        func perReceiver(_ rss: Int?) -> Double? {
            guard receivers > 1, let rss, let one = oneReceiverRSS else { return nil }
            return Double(rss - one) / Double(receivers - 1)
        }
        return BGPBenchRun(
            reflector: kind.rawValue, routes: routes, receivers: receivers, tenants: tenants > 0 ? tenants : nil,
            imports: tenants > 0 ? imports : nil,
            announceSeconds: seconds(announced, from: announceStart),
            announceAfterLastUpdateSeconds: max(0, seconds(announced, from: lastAnnouncement)),
            withdrawAfterLastUpdateSeconds: max(0, seconds(withdrawn, from: lastWithdrawal)),
            withdrawSeconds: seconds(withdrawn, from: withdrawStart),
            peakRSSBytes: peak, bytesPerRoute: peak.map { Double($0) / Double(routes) },
            growthBytesPerRoute: peak.flatMap { p in idleRSS.map { Double(p - $0) / Double(routes) } },
            storedBytesPerRoute: storedRSS.map { Double($0) / Double(routes) },
            idleBytesPerReceiver: perReceiver(idleCurrentRSS), storedBytesPerReceiver: perReceiver(storedRSS),
            announcedNLRI: withdrawn.map(\.announcedNLRI).reduce(0, +), withdrawnNLRI: withdrawn.map(\.withdrawnNLRI).reduce(0, +))
    }

    /// The BGP sessions a run opens against its reflector: `end()`, deferred
    /// so that it runs however the run ends, closes them and stops the reflector.
    struct Sessions {
        let reflector: BGPBenchReflector
        var channels: [any Channel] = []

        func end() {
            for c in channels { c.close(promise: nil) }
            reflector.stop()
        }
    }

    /// The injector's address: distinct from every receiver's, so the
    /// reflector sees each as a peer of its own.
    static let injectorAddress = IPv4Address(127, 0, 0, 2)

    /// `count` receivers' addresses, 127.0.0.3 and up.
    static func receiverAddresses(_ count: Int) -> [IPv4Address] {
        (0..<count).map { i in IPv4Address(rawValue: 0x7f00_0003 + UInt32(i)) }
    }

    /// Connects, retrying while the freshly started reflector is not listening yet.
    private static func connect(group: any EventLoopGroup, local: IPv4Address, port: Int, routes: Int, receiver: Bool,
                                tenants: Int = 0, tenant: Int = 0, imports: Int = 1, reportsProgress: Bool = true,
                                deadline: NIODeadline) async throws -> BGPBenchPeer {
        try await retrying {
            try await BGPBenchPeer.connect(group: group, local: local, to: port, routes: routes, receiver: receiver,
                                           tenants: tenants, tenant: tenant, imports: imports,
                                           reportsProgress: reportsProgress, deadline: deadline)
        }
    }

    /// `connect` again every 50 ms for 10 s while it fails (a reflector just started may not listen yet).
    static func retrying(_ connect: () async throws -> BGPBenchPeer) async throws -> BGPBenchPeer {
        let giveUp = NIODeadline.now() + .seconds(10)
        while true {
            do {
                return try await connect()
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
        /// Their peak RSS over ours.
        var peakRSS: Double?

        /// Their figures over ours: above 1, we are faster or smaller.
        init(theirs: BGPBenchRun, ours: BGPBenchRun) {
            routes = ours.routes
            announce = theirs.announceSeconds / ours.announceSeconds
            withdraw = theirs.withdrawSeconds / ours.withdrawSeconds
            peakRSS = theirs.peakRSSBytes.flatMap { t in ours.peakRSSBytes.map { Double(t) / Double($0) } }
        }

        func line(_ name: String) -> String {
            String(format: "%@/swiftplane at %d routes: announce %.2fx, withdraw %.2fx", name, routes, announce, withdraw)
                + (peakRSS.map { String(format: ", peak RSS %.2fx", $0) } ?? "")
        }
    }

    var loadAverage: String
    var runs: [BGPBenchRun]
    var gobgpRatio: Ratio?
    var frrRatio: Ratio?
    /// With --replay: the dump's run (and no generated runs).
    var replay: BGPReplayRun?

    var text: String {
        var lines = ["load average \(loadAverage)"]
        if let replay { lines.append(replay.text) }
        for r in runs {
            let rss = r.peakRSSBytes.map { "\($0 / 1_048_576) MiB" } ?? "?"
            let per = r.bytesPerRoute.map { String(format: "%.0f", $0) } ?? "?"
            let growth = r.growthBytesPerRoute.map { String(format: "%.0f", $0) } ?? "?"
            let stored = r.storedBytesPerRoute.map { String(format: "%.0f", $0) } ?? "?"
            let spread = r.tenants.map { " (\($0) tenants, each receiver imports \(r.imports ?? 1) with route target constraint)" } ?? ""
            let perReceiver = r.storedBytesPerReceiver.map { s in
                String(format: "; per receiver %.0f KiB idle, %.0f KiB with its routes", (r.idleBytesPerReceiver ?? 0) / 1024, s / 1024)
            } ?? ""
            lines.append("\(r.reflector): \(r.routes) routes\(spread) to \(r.receivers) receivers: all exact in "
                         + String(format: "%.3f s (%.3f s after the last UPDATE), all withdrawn in %.3f s (%.3f s after the last); ",
                                  r.announceSeconds, r.announceAfterLastUpdateSeconds, r.withdrawSeconds, r.withdrawAfterLastUpdateSeconds)
                         + "peak RSS \(rss) (\(per) B/route, \(growth) B/route over idle; \(stored) B/route RSS with all stored\(perReceiver))")
        }
        if let g = gobgpRatio { lines.append(g.line("gobgp")) }
        if let f = frrRatio { lines.append(f.line("frr")) }
        return lines.joined(separator: "\n")
    }
}
