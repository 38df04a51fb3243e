import BGP
import Foundation
import NIOCore
import NIOPosix

/// The figures of one MRT dump replayed through our route reflector: one
/// injector session sends the dump's l2vpn/evpn UPDATEs as they were
/// received, in file order, then a marker route; K receivers must end with
/// exactly the routes the dump leaves announced (labels included) and the
/// marker; then the injector's session closes and the reflector must
/// withdraw them all.
struct BGPReplayRun: Codable, Sendable {
    var file: String
    var records: Int
    /// UPDATEs replayed, and what was left out by reason.
    var updates: Int
    var skipped: [String: Int]
    /// Distinct peers in the kept messages (all replayed through the one injector).
    var peers: Int
    var dumpAnnouncedNLRI: Int
    var dumpWithdrawnNLRI: Int
    /// Routes the dump leaves announced: what each receiver must hold (and the marker).
    var routes: Int
    var receivers: Int
    /// From the first UPDATE written until every receiver held exactly the routes.
    var exactSeconds: Double
    var exactAfterLastUpdateSeconds: Double
    /// Receivers still exact once the reflector has been quiet for a moment after that.
    var exactReceivers: Int
    var updatesPerSecond: Double
    /// From the injector's session closing until every receiver held nothing.
    var withdrawSeconds: Double
    var peakRSSBytes: Int?
    /// Type-2..5 NLRI the receivers were sent in total, announced and withdrawn.
    var announcedNLRI: Int
    var withdrawnNLRI: Int

    static func measure(executable: String, file: String, dump: BGPReplayDump, receivers: Int, timeout: Int) async throws -> BGPReplayRun {
        let group = MultiThreadedEventLoopGroup.singleton
        let port = try await BGPBenchReflector.freePort(group: group)
        let injectorAddress = BGPBenchRun.injectorAddress
        let receiverAddresses = BGPBenchRun.receiverAddresses(receivers)
        let reflector = try BGPBenchReflector.swiftplane(executable: executable, port: port, maximumPeers: receivers + 11)
        var sessions = BGPBenchRun.Sessions(reflector: reflector)
        defer { sessions.end() }
        let deadline = NIODeadline.now() + .seconds(Int64(timeout))
        var receiverPeers: [BGPBenchPeer] = []
        for (k, address) in receiverAddresses.enumerated() {
            let peer = try await BGPBenchRun.retrying {
                try await BGPBenchPeer.connect(group: group, local: address, to: port, counter: BGPReplayRoutes(expected: dump.goal),
                                               receiver: true, reportsProgress: k == 0, deadline: deadline)
            }
            sessions.channels.append(peer.channel)
            receiverPeers.append(peer)
        }
        for p in receiverPeers { try await p.established.get() }
        let injector = try await BGPBenchRun.retrying {
            try await BGPBenchPeer.connect(group: group, local: injectorAddress, to: port, counter: BGPReplayRoutes(), receiver: false, deadline: deadline)
        }
        sessions.channels.append(injector.channel)
        try await injector.established.get()

        let start = NIODeadline.now()
        try await injector.inject(dump.buffers + [dump.markerUpdate])
        let lastUpdate = NIODeadline.now()
        var exact: [BGPBenchMark] = []
        for p in receiverPeers { if let f = p.allAnnounced { exact.append(try await f.get()) } }
        let exactAt = exact.map(\.at).max() ?? start
        // Once the reflector is quiet: each receiver must still hold exactly the routes.
        try await Task.sleep(nanoseconds: 300_000_000)
        var exactReceivers = 0
        for p in receiverPeers where try await p.tally(BGPReplayRoutes.self).isExact { exactReceivers += 1 }

        let closedAt = NIODeadline.now()
        try await injector.channel.close()
        var withdrawn: [BGPBenchMark] = []
        for p in receiverPeers { if let f = p.allWithdrawn { withdrawn.append(try await f.get()) } }

        func seconds(_ from: NIODeadline, _ to: NIODeadline) -> Double { Double((to - from).nanoseconds) / 1e9 }
        let exactSeconds = seconds(start, exactAt)
        return BGPReplayRun(
            file: file, records: dump.records, updates: dump.updates, skipped: dump.skipped, peers: dump.peers.count,
            dumpAnnouncedNLRI: dump.announcedNLRI, dumpWithdrawnNLRI: dump.withdrawnNLRI, routes: dump.routes.count, receivers: receivers,
            exactSeconds: exactSeconds, exactAfterLastUpdateSeconds: max(0, seconds(lastUpdate, exactAt)), exactReceivers: exactReceivers,
            updatesPerSecond: exactSeconds > 0 ? Double(dump.updates) / exactSeconds : 0,
            withdrawSeconds: seconds(closedAt, withdrawn.map(\.at).max() ?? closedAt), peakRSSBytes: reflector.peakRSS,
            announcedNLRI: withdrawn.map(\.announcedNLRI).reduce(0, +), withdrawnNLRI: withdrawn.map(\.withdrawnNLRI).reduce(0, +))
    }

    var text: String {
        let left = skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return [
            "\(file): \(records) records, \(updates) l2vpn/evpn UPDATEs from \(peers) peer(s) replayed (\(dumpAnnouncedNLRI) NLRI announced, "
                + "\(dumpWithdrawnNLRI) withdrawn), \(routes) routes left announced, then a marker route" + (left.isEmpty ? "" : "; left out: \(left)"),
            "swiftplane: \(exactReceivers) of \(receivers) receivers exact in "
                + String(format: "%.3f s (%.3f s after the last UPDATE, %.0f UPDATEs/s); all withdrawn %.3f s after the injector closed; ",
                         exactSeconds, exactAfterLastUpdateSeconds, updatesPerSecond, withdrawSeconds)
                + "peak RSS \(peakRSSBytes.map { "\($0 / 1_048_576) MiB" } ?? "?")",
        ].joined(separator: "\n")
    }
}
