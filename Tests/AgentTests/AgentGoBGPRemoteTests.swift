import Foundation
import Overlay
import Testing
import TestSupport

/// The agent as controller of a real OVS, swiftplane-rr, and
/// a GoBGP speaker as the remote host (it advertises an endpoint behind its
/// VTEP on the underlay). A container pings that endpoint: OVS answers the
/// ARP itself, the ICMP leaves through the VXLAN port with VNI 10 towards
/// GoBGP's VTEP (ofproto/trace and tcpdump on the underlay agree), and a
/// broadcast from the container is dropped and counted.
@Suite("agent with GoBGP as the remote host", .serialized,
       .enabled(if: agentTwoHostUnavailable == nil && Command.which("gobgpd") != nil && Command.which("gobgp") != nil
                    && Command.which("tcpdump") != nil && Command.which("tshark") != nil,
                Comment(rawValue: agentTwoHostUnavailable ?? "gobgpd, gobgp, tcpdump or tshark is not installed")))
struct AgentGoBGPRemoteTests {
    static let remoteVTEP = "10.9.7.100"
    static let remoteMAC = "02:00:00:00:00:63"
    static let remoteIP = "10.77.0.99"

    static let tenant = AgentSandbox.tenants([StaticEndpoint(mac: "02:00:00:00:00:01", ips: ["10.77.0.1"], port: 1)])

    @Test("ARP answered by OVS, ICMP into VXLAN VNI 10 towards GoBGP's VTEP, broadcast dropped and counted")
    func remoteEndpointFromGoBGP() async throws {
        let underlay = try OVSUnderlay.start(hint: "aggu")
        defer { underlay.stop() }
        try await AgentSandbox.with(hint: "aggh") { fixture in
            let host = fixture.sandbox
            _ = try host.addVTEP(on: underlay, address: "10.9.7.1/24", ofport: 100)
            _ = try host.exec(["sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2"])
            let container = try host.addContainer("c", mac: "02:00:00:00:00:01", addresses: ["10.77.0.1/24"], ofport: 1, mtu: 1450)
            try fixture.addRemoteVTEP(Self.remoteVTEP, on: underlay)

            let reflector = try fixture.startReflector(on: "10.9.7.1")
            let agent = try fixture.startAgent(configuration: fixture.configuration(vtep: "10.9.7.1", reflector: true, Self.tenant))
            // gobgpd in the underlay's namespace: an iBGP client of the reflector at 10.9.7.1.
            let gobgpd = try GoBGPDaemon(address: Self.remoteVTEP, peer: "10.9.7.1", peerPort: AgentSandbox.reflectorPort,
                                         netns: underlay.name)
            defer { gobgpd.stop() }
            func logs() -> String { "rr:\n\(reflector.output)\nagent:\n\(agent.output)\ngobgpd:\n\(gobgpd.log.suffix(1500))" }
            // GoBGP, as a host would, advertises its endpoint behind its VTEP (VNI 10, RT 65000:10).
            let added = try await eventually(10, every: .milliseconds(100)) {
                try gobgpd.evpn(GoBGPDaemon.macadv(Self.remoteMAC, Self.remoteIP, vni: 10, vtep: Self.remoteVTEP, rd: 10))
            }
            #expect(added, "gobgp could not add the route\n\(logs())")
            let remote = FlowCookie(.forwardRemote, vni: VNI(rawValue: 10)).cookie
            let ready = try await eventually(20, every: .milliseconds(100)) { try AgentOVSTests.dump(host).contains { $0.0.cookie == remote } }
            #expect(ready, "no forward-remote flow for GoBGP's endpoint\n\(logs())")
            guard ready else { return }

            // OVS's own trace: into the tunnel with VNI 10, to GoBGP's VTEP.
            let trace = try host.appctl("ofproto/trace", host.bridge,
                                        "in_port=1,dl_src=02:00:00:00:00:01,dl_dst=\(Self.remoteMAC),dl_type=0x0800,"
                                            + "nw_src=10.77.0.1,nw_dst=\(Self.remoteIP),nw_proto=1")
            #expect(trace.contains("set_field:0xa->tun_id") && trace.contains("set_field:\(Self.remoteVTEP)->tun_dst")
                    && trace.contains("output:100"), "trace:\n\(trace)")

            // tcpdump on the underlay while the container pings (no one answers there: the ICMP is what matters).
            let pcap = fixture.folder.appendingPathComponent("underlay.pcap").path
            let capture = try fixture.start(["tcpdump", "-i", "ul", "-n", "-U", "--immediate-mode", "-w", pcap, "udp port 4789"],
                                            netns: underlay.name, log: "tcpdump.log")
            _ = await capture.ready(within: 5, logContains: "listening on")
            let arpBefore = try AgentOVSTests.packets(host, .arpResponder, vni: 10)
            let arpToControllerBefore = try AgentOVSTests.packets(host, .arpToController, vni: 10)
            _ = try container.exec(["ping", "-c", "3", "-i", "0.2", "-W", "1", Self.remoteIP])
            // The three echo requests on file (the check below reads them), then the capture may stop.
            _ = await eventually(5, every: .milliseconds(100)) { capturedPackets(pcap) >= 3 }
            capture.stop()

            // The ARP for GoBGP's endpoint was answered by the responder flow, not by us.
            let neighbour = try container.exec(["ip", "neigh", "show", Self.remoteIP]).stdout
            #expect(neighbour.contains(Self.remoteMAC), "the container did not learn the remote MAC: \(neighbour)")
            #expect(try AgentOVSTests.packets(host, .arpResponder, vni: 10, reach: arpBefore + 1), "responder counter did not move")
            #expect(try AgentOVSTests.packets(host, .arpToController, vni: 10) == arpToControllerBefore,
                    "the ARP went to the controller")

            let fields = try Command.run("tshark", ["-r", pcap, "-d", "udp.port==4789,vxlan", "-T", "fields",
                                                    "-E", "occurrence=f", "-e", "ip.dst", "-e", "vxlan.vni", "-e", "icmp.type"]).stdout
            // outer destination (the first ip.dst), VNI, inner ICMP type (8: echo request)
            let echoes = fields.split(separator: "\n").filter { $0 == "\(Self.remoteVTEP)\t10\t8" }
            print("underlay: \(echoes.count) VXLAN packets to \(Self.remoteVTEP) with VNI 10 carrying an ICMP echo request")
            #expect(echoes.count >= 3, "VXLAN packets on the underlay:\n\(fields)")

            // A broadcast from the container is dropped in OVS and counted.
            let dropBefore = try AgentOVSTests.packets(host, .dropBroadcast, vni: 10)
            _ = try container.exec(["ping", "-b", "-c", "3", "-i", "0.3", "-W", "1", "10.77.0.255"])
            #expect(try AgentOVSTests.packets(host, .dropBroadcast, vni: 10, reach: dropBefore + 3), "\(logs())")
        }
    }
}
