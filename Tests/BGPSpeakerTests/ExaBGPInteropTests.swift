import BGP
import BGPSpeaker
import Foundation
import NIOCore
import Testing
import TestSupport

/// ExaBGP (Debian's 4.2) through swiftplane-rr, both ways: an ExaBGP client
/// originates type-2 and type-3 routes that a GoBGP client receives
/// reflected; a GoBGP client's routes reach an ExaBGP client, whose own
/// decoder (its JSON API output) must show every field unchanged with
/// ORIGINATOR_ID and CLUSTER_LIST set; withdrawals too.
@Suite(.enabled(if: GoBGPDaemon.available && ExaBGPDaemon.available, "gobgpd or exabgp not installed: interop test skipped"))
struct ExaBGPInteropTests {
    /// The EVPN NLRI of every announcement ExaBGP received, with that UPDATE's attributes and next hop.
    static func announced(_ updates: [[String: Any]]) -> [(nlri: [String: Any], attributes: [String: Any], nextHop: String)] {
        updates.flatMap { u -> [(nlri: [String: Any], attributes: [String: Any], nextHop: String)] in
            guard let byHop = (u["announce"] as? [String: Any])?["l2vpn evpn"] as? [String: [[String: Any]]] else { return [] }
            return byHop.flatMap { hop, nlri in nlri.map { ($0, u["attribute"] as? [String: Any] ?? [:], hop) } }
        }
    }

    static func withdrawn(_ updates: [[String: Any]]) -> [[String: Any]] {
        updates.flatMap { ($0["withdraw"] as? [String: Any])?["l2vpn evpn"] as? [[String: Any]] ?? [] }
    }

    @Test func evpnBetweenExaBGPAndGoBGPThroughTheReflector() async throws {
        let net = UInt8.random(in: 10...250)
        let speaker = Speaker.interopReflector(accepting: "127.92.\(net).0/24")
        let port = try await speaker.start().port ?? 0
        let exaOriginator = try ExaBGPDaemon(address: "127.92.\(net).2", peer: "127.0.0.1", peerPort: port, originate: [
            .init(type: 2, rd: "10.1.1.9:300", mac: "02:00:00:00:00:09", ip: "10.0.0.9", vni: 3001, rt: "65000:3001", nexthop: "10.1.1.9"),
            .init(type: 3, rd: "10.1.1.9:300", ip: "10.1.1.9", rt: "65000:3001", nexthop: "10.1.1.9"),
        ])
        defer { exaOriginator.stop() }
        let goReceiver = try GoBGPDaemon(address: "127.92.\(net).3", peer: "127.0.0.1", peerPort: port)
        defer { goReceiver.stop() }
        let exaReceiver = try ExaBGPDaemon(address: "127.92.\(net).4", peer: "127.0.0.1", peerPort: port)
        defer { exaReceiver.stop() }
        let goOriginator = try GoBGPDaemon(address: "127.92.\(net).5", peer: "127.0.0.1", peerPort: port)
        defer { goOriginator.stop() }

        let up = await eventually(30, every: .milliseconds(200)) { await speaker.neighbors().filter { $0.state == .established }.count == 4 }
        let sessions = await speaker.neighbors().map { "\($0.address) \($0.state)" }
        #expect(up, "sessions: \(sessions); ExaBGP: \(exaOriginator.log.suffix(600))")
        guard up else { await speaker.shutdown(); return }

        // ExaBGP -> swiftplane-rr -> GoBGP.
        var rib: [String: [[String: Any]]] = [:]
        let arrived = try await eventually(15, every: .milliseconds(200)) {
            rib = try goReceiver.evpnRIB()
            return rib.count == 2
        }
        #expect(arrived, "GoBGP has \(rib.keys.sorted()); ExaBGP: \(exaOriginator.log.suffix(600))")
        for path in rib.values.flatMap({ $0 }) {
            let nlri = path["nlri"] as? [String: Any] ?? [:]
            let value = nlri["value"] as? [String: Any] ?? [:]
            let rd = value["rd"] as? [String: Any] ?? [:]
            #expect(rd["admin"] as? String == "10.1.1.9" && rd["assigned"] as? Int == 300, "RD \(value)")
            if nlri["type"] as? Int == 2 {
                #expect(value["mac"] as? String == "02:00:00:00:00:09")
                #expect(value["ip"] as? String == "10.0.0.9")
                #expect(value["labels"] as? [Int] == [3001], "the VNI")
            } else {
                #expect(nlri["type"] as? Int == 3)
                #expect(value["ip"] as? String == "10.1.1.9")
            }
            let ext = GoBGPInteropTests.attribute(path, type: 16)?["value"] as? [[String: Any]] ?? []
            #expect(ext.contains { ($0["subtype"] as? Int) == 2 && ($0["value"] as? String) == "65000:3001" }, "RT")
            #expect(ext.contains { ($0["subtype"] as? Int) == 12 && ($0["tunnel_type"] as? Int) == 8 }, "VXLAN encapsulation")
            #expect(GoBGPInteropTests.attribute(path, type: 9)?["value"] as? String == exaOriginator.address, "ORIGINATOR_ID")
            #expect(GoBGPInteropTests.attribute(path, type: 10)?["value"] as? [String] == ["127.0.0.1"], "CLUSTER_LIST")
            #expect(GoBGPInteropTests.attribute(path, type: 14)?["nexthop"] as? String == "10.1.1.9", "next hop")
        }

        // GoBGP -> swiftplane-rr -> ExaBGP, read back through ExaBGP's own decoder.
        let macadv = GoBGPDaemon.macadv("02:00:00:00:00:01", "10.0.0.1", vni: 1001, vtep: "10.1.1.1", rd: 100)
        let multicast = GoBGPDaemon.multicast(vni: 1001, vtep: "10.1.1.1", rd: 100)
        #expect(try goOriginator.evpn(macadv))
        #expect(try goOriginator.evpn(multicast))
        var fromGoBGP: [(nlri: [String: Any], attributes: [String: Any], nextHop: String)] = []
        let reached = await eventually(15, every: .milliseconds(200)) {
            fromGoBGP = Self.announced(exaReceiver.updates).filter { ($0.attributes["originator-id"] as? String) == goOriginator.address }
            return Set(fromGoBGP.compactMap { $0.nlri["code"] as? Int }) == [2, 3]
        }
        #expect(reached, "ExaBGP decoded \(exaReceiver.updates)")
        // ExaBGP also received the other ExaBGP's routes: one client's routes go to every other client.
        #expect(Self.announced(exaReceiver.updates).contains { ($0.attributes["originator-id"] as? String) == exaOriginator.address })
        for (nlri, attributes, nextHop) in fromGoBGP {
            #expect(nlri["parsed"] as? Bool == true, "ExaBGP parsed \(nlri)")
            #expect(nlri["rd"] as? String == "10.1.1.1:100")
            #expect(nextHop == "10.1.1.1")
            #expect(attributes["cluster-list"] as? [String] == ["127.0.0.1"])
            let communities = (attributes["extended-community"] as? [[String: Any]] ?? []).compactMap { $0["string"] as? String }
            #expect(Set(communities) == ["target:65000:1001", "encap:VXLAN"], "\(communities)")
            if nlri["code"] as? Int == 2 {
                #expect(nlri["mac"] as? String == "02:00:00:00:00:01")
                #expect(nlri["ip"] as? String == "10.0.0.1")
                // ExaBGP prints a label as [label >> 4, raw 24 bits]: the raw field is the VNI.
                #expect((nlri["label"] as? [[Int]])?.first?.last == 1001, "\(nlri["label"] ?? "no label")")
            } else {
                #expect(nlri["ip"] as? String == "10.1.1.1")
            }
        }

        // Withdrawals: GoBGP's type-2 reaches ExaBGP; the ExaBGP originator going away withdraws its routes at GoBGP.
        #expect(try goOriginator.evpn(macadv, delete: true))
        let withdrawnAtExa = await eventually(10, every: .milliseconds(200)) {
            Self.withdrawn(exaReceiver.updates).contains { ($0["mac"] as? String) == "02:00:00:00:00:01" }
        }
        #expect(withdrawnAtExa, "ExaBGP saw no withdrawal: \(exaReceiver.updates.suffix(3))")
        exaOriginator.stop()
        let withdrawnAtGo = try await eventually(15, every: .milliseconds(200)) {
            rib = try goReceiver.evpnRIB()
            return rib.values.flatMap { $0 }.allSatisfy { GoBGPInteropTests.attribute($0, type: 9)?["value"] as? String != exaOriginator.address }
        }
        #expect(withdrawnAtGo, "GoBGP still has \(rib.keys.sorted())")
        #expect(rib.count == 1, "GoBGP's own type-3 route stays reflected to the receiver: \(rib.keys.sorted())")
        await speaker.shutdown()
    }
}
