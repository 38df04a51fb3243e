import BGP
import Foundation
import Logging
import MRT
import MRTDump
import NIOCore
import Testing
import TestSupport
@testable import swiftplane_bench

/// `swiftplane-bench bgp --replay`: an update dump written here with our
/// MRT writer, as swiftplane-rr writes them (two peers' announcements, a
/// withdrawal, a relabelling, and records a replay leaves out), read into
/// the routes it leaves announced, then replayed through the real
/// swiftplane-rr to receivers that must end with exactly those routes.
@Suite struct BGPReplayTests {
    static let options = SessionOptions(fourOctetAS: true, internalPeer: true)
    static let peerA = IPv4Address(10, 0, 0, 1), peerB = IPv4Address(10, 0, 0, 2)

    static func macIP(_ index: Int, vni: UInt32, label: UInt32, peer: IPv4Address) -> NLRI {
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(peer, UInt16(vni)), mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(index)),
            ip: .v4(IPv4Address(rawValue: 0x0a4d_0000 | UInt32(index))), label1: .vni(label))))
    }

    static func multicast(vni: UInt32, peer: IPv4Address) -> NLRI {
        .evpn(.inclusiveMulticastEthernetTag(InclusiveMulticastEthernetTagRoute(rd: .ipv4(peer, UInt16(vni)), originatingRouter: .v4(peer))))
    }

    static func announce(_ nlri: [NLRI], from peer: IPv4Address, routeTarget: UInt32) -> [UInt8] {
        let update = Update(attributes: PathAttributes([
            PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: routeTarget)), .vxlanEncapsulation])),
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(peer), nlri: nlri))),
        ]))
        return Array(buffer: BGPMessage.update(update).encoded(options: options))
    }

    static func withdraw(_ nlri: [NLRI]) -> [UInt8] {
        Array(buffer: BGPMessage.update(Update(attributes: PathAttributes([
            PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: .l2vpnEVPN, nlri: nlri)))]))).encoded(options: options))
    }

    /// The dump's records, and what the test expects of it: the routes left
    /// announced (by key), the UPDATEs kept, and the records left out.
    struct Scenario {
        var records: [MRTRecord] = []
        var expected: [NLRI: NLRI] = [:]
        /// The UPDATEs a replay sends, as written.
        var kept: [[UInt8]] = []
        var updates: Int { kept.count }
        var leftOut = 0

        /// `withdrawingAll`: the dump ends withdrawing every route it left (as a bench's dump does).
        init(withdrawingAll: Bool = false) {
            func message(_ bytes: [UInt8], from peer: IPv4Address) -> MRTRecord {
                MRTRecord(timestamp: 1_700_000_000 + UInt32(records.count), microseconds: 0, body: .bgp4mpMessageAS4(BGP4MPMessage(
                    peerAS: 65000, localAS: 65000, peerAddress: .v4(peer), localAddress: .v4(IPv4Address(10, 0, 0, 254)), message: bytes)))
            }
            func kept(_ bytes: [UInt8], from peer: IPv4Address) { records.append(message(bytes, from: peer)); self.kept.append(bytes) }
            func ignored(_ record: MRTRecord) { records.append(record); leftOut += 1 }

            // Peer A: 300 MAC/IP routes in VNI 10 and its multicast route; peer B: 200 in VNI 20 and its own.
            let a = (0..<300).map { macIP($0, vni: 10, label: 10, peer: peerA) }
            let b = (1000..<1200).map { macIP($0, vni: 20, label: 20, peer: peerB) }
            for chunk in stride(from: 0, to: 300, by: 100) { kept(announce(Array(a[chunk..<chunk + 100]), from: peerA, routeTarget: 10), from: peerA) }
            kept(announce([multicast(vni: 10, peer: peerA)], from: peerA, routeTarget: 10), from: peerA)
            ignored(message(Array(buffer: BGPMessage.keepalive.encoded()), from: peerA))
            for chunk in stride(from: 0, to: 200, by: 100) { kept(announce(Array(b[chunk..<chunk + 100]), from: peerB, routeTarget: 20), from: peerB) }
            kept(announce([multicast(vni: 20, peer: peerB)], from: peerB, routeTarget: 20), from: peerB)
            ignored(message(Array(buffer: BGPMessage.update(.endOfRIB(.l2vpnEVPN)).encoded(options: options)), from: peerB))
            // An IPv4 unicast UPDATE: not l2vpn/evpn.
            ignored(message(Array(buffer: BGPMessage.update(Update(
                attributes: PathAttributes([PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.nextHop(peerA)),
                                            PathAttribute(.localPref(100))]),
                nlri: [.ipv4(IPv4Prefix(IPv4Address(192, 0, 2, 0), length: 24))])).encoded(options: options)), from: peerA))
            // 200 withdrawals in one message: over 4096 octets, which only extended messages (RFC 8654) allow.
            ignored(message(withdraw(Array(a[100..<300])), from: peerA))
            ignored(MRTRecord(timestamp: 1_700_000_100, body: .peerIndexTable(PeerIndexTable(collectorBGPID: peerA, peers: []))))
            // A withdraws its first 50 (with label 0: a withdrawal names the route by its key); B relabels its first 20 (VNI 21).
            kept(withdraw((0..<50).map { macIP($0, vni: 10, label: 0, peer: peerA) }), from: peerA)
            let relabelled = (1000..<1020).map { macIP($0, vni: 20, label: 21, peer: peerB) }
            kept(announce(relabelled, from: peerB, routeTarget: 20), from: peerB)

            for route in a[50...] + b[20...] + relabelled + [multicast(vni: 10, peer: peerA), multicast(vni: 20, peer: peerB)] {
                expected[route.key] = route
            }
            if withdrawingAll {
                // 100 a message: an UPDATE holds at most 4096 octets.
                let all = Array(expected.values)
                for chunk in stride(from: 0, to: all.count, by: 100) { kept(withdraw(Array(all[chunk..<min(chunk + 100, all.count)])), from: peerA) }
                expected = [:]
            }
        }

        var bytes: [UInt8] { records.flatMap { $0.encoded() } }
    }

    @Test func dumpLeavesTheRoutesItAnnouncedAndLaterDidNotWithdraw() throws {
        let scenario = Scenario()
        let dump = try BGPReplayDump(bytes: scenario.bytes)
        #expect(dump.records == scenario.records.count)
        #expect(dump.updates == scenario.updates)
        #expect(dump.skipped.values.reduce(0, +) == scenario.leftOut, "\(dump.skipped)")
        #expect(dump.skipped.keys.sorted() == [
            "BGP message type 4 (not an UPDATE)", "UPDATE of another address family than l2vpn/evpn", "UPDATE without routes (End-of-RIB)",
            "message over 4096 octets (extended messages are not negotiated)", "record type 13 subtype 1 (not BGP4MP_MESSAGE_AS4)",
        ])
        #expect(dump.peers == ["10.0.0.1", "10.0.0.2"])
        #expect(dump.routes.count == 452)
        #expect(dump.routes == scenario.expected)
        #expect(dump.announcedNLRI == 522 && dump.withdrawnNLRI == 50)
        // The kept UPDATEs are replayed as they were received, byte for byte, in file order.
        #expect(dump.buffers.flatMap { Array(buffer: $0) } == scenario.kept.flatMap { $0 })
        // Then the marker: a route of its own, which the receivers must hold too.
        #expect(scenario.expected[dump.marker.key] == nil && dump.goal.count == 453 && dump.goal[dump.marker.key] == dump.marker)
        guard case let .update(marker)? = try? BGPMessage.decode(dump.markerUpdate, options: Self.options) else {
            Issue.record("the marker is not an UPDATE")
            return
        }
        #expect(marker.announced == [dump.marker])
    }

    /// A receiver's tally: exact only with every expected route under its
    /// expected labels and nothing more.
    @Test func receiverIsExactOnlyWithTheExpectedRoutes() {
        let route = Self.macIP(1, vni: 10, label: 10, peer: Self.peerA), other = Self.macIP(2, vni: 10, label: 10, peer: Self.peerA)
        var routes = BGPReplayRoutes(expected: [route.key: route])
        #expect(!routes.isExact && routes.isEmpty)
        routes.apply(announced: [Self.macIP(1, vni: 10, label: 11, peer: Self.peerA)], withdrawn: [])
        #expect(!routes.isExact && routes.unwantedHeld == 1)
        routes.apply(announced: [route], withdrawn: [])
        #expect(routes.isExact && routes.heldCount == 1)
        routes.apply(announced: [other], withdrawn: [])
        #expect(!routes.isExact && routes.unwantedHeld == 1)
        routes.apply(announced: [], withdrawn: [other])
        #expect(routes.isExact)
        routes.apply(announced: [], withdrawn: [Self.macIP(1, vni: 10, label: 0, peer: Self.peerA)])
        #expect(!routes.isExact && routes.isEmpty)
    }

    @Test func cutDumpIsRefusedNamingTheRecord() throws {
        let scenario = Scenario()
        let last = try #require(scenario.records.last).encoded().count
        let error = #expect(throws: BGPReplayDump.Problem.self) { try BGPReplayDump(bytes: Array(scenario.bytes.dropLast(3))) }
        #expect(error?.description == "record \(scenario.records.count) at offset \(scenario.bytes.count - last) is cut: \(last - 3) octets left")
    }

    /// The dump written by our MRT file writer (bgpdump, when present, reads
    /// it too), replayed through the built swiftplane-rr to two receivers.
    @Test(.enabled(if: Command.builtProduct("swiftplane-bench") != nil && Command.builtProduct("swiftplane-rr") != nil,
                   "swiftplane-bench or swiftplane-rr is not built (swift build --build-tests)"), arguments: [false, true])
    func replayThroughTheReflectorReachesEveryReceiverExactly(withdrawingAll: Bool) async throws {
        let folder = try TemporaryFolder.create("swiftplane-replay")
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = Scenario(withdrawingAll: withdrawingAll)
        let writer = MRTFileWriter(MRTFileWriter.Configuration(directory: folder.appendingPathComponent("mrt").path), logger: Logger(label: "test"))
        try writer.start()
        for record in scenario.records { writer.append(record) }
        writer.stop()
        let file = try #require(writer.currentFile ?? (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("mrt").path))?
            .first.map { folder.appendingPathComponent("mrt").appendingPathComponent($0).path })
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)).count == scenario.bytes.count)
        if Command.which("bgpdump") != nil {
            let text = try Command.run("bgpdump", [file]).stdout
            #expect(text.components(separatedBy: "TYPE: BGP4MP_ET/MESSAGE/Update").count - 1 == scenario.updates + 3, "\(text.prefix(1200))")
        }

        let result = try Command.run(Command.builtProduct("swiftplane-bench")!, ["bgp", "--replay", file, "--receivers", "2",
                                                                                 "--rr", Command.builtProduct("swiftplane-rr")!, "--timeout", "30", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try JSONDecoder().decode(BGPBenchReport.self, from: Data(result.stdout.utf8)).replay, "\(result.stdout)")
        #expect(run.updates == scenario.updates && run.records == scenario.records.count && run.peers == 2)
        #expect(run.routes == scenario.expected.count)
        // Both receivers held exactly the dump's routes (labels included), also once the reflector was quiet...
        #expect(run.exactReceivers == 2)
        #expect(run.exactSeconds > 0 && run.updatesPerSecond > 0)
        // ...and were sent each at least once, and all of them withdrawn when the injector went.
        #expect(run.announcedNLRI >= 2 * (scenario.expected.count + 1) && run.withdrawnNLRI >= 2 * (scenario.expected.count + 1), "\(run)")

        let missing = try Command.run(Command.builtProduct("swiftplane-bench")!, ["bgp", "--replay", folder.appendingPathComponent("absent.mrt").path])
        #expect(missing.status == 2 && missing.stderr.contains("absent.mrt': no such file"), "\(missing.stderr)")
    }
}
