import BGP
import BGPSpeaker
import Foundation
import NIOCore
import Testing
import TestSupport

/// Real GoBGP on both sides of our route reflector: one client originates
/// EVPN type-2 and type-3 routes with its CLI, the other (and FRR's bgpd when
/// installed) must receive them reflected with every field unchanged,
/// ORIGINATOR_ID and CLUSTER_LIST set.
@Suite(.enabled(if: GoBGPDaemon.available, "gobgpd/gobgp not installed (apt install gobgpd): interop test skipped"))
struct GoBGPInteropTests {
    static func attribute(_ path: [String: Any], type: Int) -> [String: Any]? {
        (path["attrs"] as? [[String: Any]])?.first { ($0["type"] as? Int) == type }
    }

    /// The first path of each EVPN route type in a GoBGP RIB, with its NLRI's value.
    static func pathsByType(_ rib: [String: [[String: Any]]]) -> [Int: (path: [String: Any], nlri: [String: Any])] {
        var out: [Int: (path: [String: Any], nlri: [String: Any])] = [:]
        for path in rib.values.flatMap({ $0 }) {
            guard let nlri = path["nlri"] as? [String: Any], let type = nlri["type"] as? Int, out[type] == nil,
                  let value = nlri["value"] as? [String: Any] else { continue }
            out[type] = (path, value)
        }
        return out
    }

    @Test func reflectsEVPNRoutesBetweenGoBGPClients() async throws {
        guard let fabric = try await ReflectedGoBGP.start(block: 88) else { return }
        defer { fabric.stopDaemons() }
        let (speaker, originator, receiver, frr) = (fabric.speaker, fabric.originator, fabric.receiver, fabric.frr)

        let macadv = GoBGPDaemon.macadv("02:00:00:00:00:01", "10.0.0.1", vni: 1001, vtep: "10.1.1.1", rd: 100)
        let multicast = GoBGPDaemon.multicast(vni: 1001, vtep: "10.1.1.1", rd: 100)
        #expect(try originator.evpn(macadv))
        #expect(try originator.evpn(multicast))

        let ((type2, nlri2), (type3, nlri3)) = try await fabric.receivedType2AndType3()
        #expect(nlri2["mac"] as? String == "02:00:00:00:00:01")
        #expect(nlri2["ip"] as? String == "10.0.0.1")
        #expect(nlri2["labels"] as? [Int] == [1001])
        let rd = try #require(nlri2["rd"] as? [String: Any])
        #expect(rd["admin"] as? String == "10.1.1.1")
        #expect(rd["assigned"] as? Int == 100)
        #expect(nlri3["ip"] as? String == "10.1.1.1")

        for (name, path, nextHop) in [("type 2", type2, "10.1.1.1"), ("type 3", type3, "10.1.1.1")] {
            let ext = Self.attribute(path, type: 16)?["value"] as? [[String: Any]] ?? []
            #expect(ext.contains { ($0["subtype"] as? Int) == 2 && ($0["value"] as? String) == "65000:1001" }, "\(name) RT")
            #expect(ext.contains { ($0["subtype"] as? Int) == 12 && ($0["tunnel_type"] as? Int) == 8 }, "\(name) VXLAN encapsulation")
            #expect(Self.attribute(path, type: 9)?["value"] as? String == originator.address, "\(name) ORIGINATOR_ID")
            #expect(Self.attribute(path, type: 10)?["value"] as? [String] == ["127.0.0.1"], "\(name) CLUSTER_LIST")
            #expect(Self.attribute(path, type: 14)?["nexthop"] as? String == nextHop, "\(name) next hop")
        }

        if let frr {
            var routes: [String: [String: Any]] = [:]
            let got = try await eventually(10, every: .milliseconds(200)) {
                routes = try frr.evpnRoutes()
                return routes.count == 2
            }
            #expect(got, "FRR has \(routes.keys.sorted()): \(frr.log.suffix(800))")
            let t2 = routes["[2]:[0]:[48]:[02:00:00:00:00:01]:[32]:[10.0.0.1]"]
            let t3 = routes["[3]:[0]:[32]:[10.1.1.1]"]
            #expect(t2?["vni"] as? String == "1001")
            for (name, path) in [("type 2", t2), ("type 3", t3)] {
                #expect((path?["extendedCommunity"] as? [String: Any])?["string"] as? String == "RT:65000:1001 ET:8", "FRR \(name)")
                #expect(path?["originatorId"] as? String == originator.address, "FRR \(name)")
                #expect((path?["clusterList"] as? [String: Any])?["list"] as? [String] == ["127.0.0.1"], "FRR \(name)")
                #expect((path?["nexthops"] as? [[String: Any]])?.first?["ip"] as? String == "10.1.1.1", "FRR \(name)")
            }
        }

        // Withdrawal reaches the receivers; the type-3 route stays.
        #expect(try originator.evpn(macadv, delete: true))
        var rib: [String: [[String: Any]]] = [:]
        let withdrawn = try await eventually(10, every: .milliseconds(200)) {
            rib = try receiver.evpnRIB()
            return rib.count == 1 && rib.values.flatMap { $0 }.allSatisfy { (($0["nlri"] as? [String: Any])?["type"] as? Int) == 3 }
        }
        #expect(withdrawn, "receiver still has \(rib.keys.sorted())")
        if let frr {
            var routes: [String: [String: Any]] = [:]
            let gone = try await eventually(10, every: .milliseconds(200)) {
                routes = try frr.evpnRoutes()
                return Array(routes.keys) == ["[3]:[0]:[32]:[10.1.1.1]"]
            }
            #expect(gone, "FRR still has \(routes.keys.sorted())")
        }
        // Nothing was reflected back to the originator.
        let own = try originator.cli(["neighbor", "127.0.0.1", "adj-in", "-a", "evpn"])
        #expect(own.status == 0, "\(own.stderr)")
        #expect(!own.stdout.contains("macadv") && !own.stdout.contains("multicast"), "\(own.stdout)")
        await speaker.shutdown()
    }
}
