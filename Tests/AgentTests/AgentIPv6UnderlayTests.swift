import AdminAPI
import Foundation
import Overlay
import Testing
import TestSupport

/// Two hosts on an IPv6-only underlay (fd00:98::/64 in a namespace of the
/// test's own; the sandboxes' userspace datapath, br-phy holding the VTEP
/// address), `swiftplane-rr` on the underlay at fd00:98::1 and an agent per host whose vtep
/// is IPv6: both sessions over IPv6, the routes carry 16-octet next hops,
/// the forward flows set `tun_ipv6_dst`, and a ping between the containers
/// crosses the underlay as IPv6 VXLAN only. Then a third agent, peering over
/// IPv6 but with an IPv4 VTEP, makes the fabric mixed: each side refuses the
/// other family's routes with a warning and a counter, and nothing else changes.
@Suite("two agents over an IPv6-only underlay", .serialized,
       .enabled(if: agentTwoHostUnavailable == nil && Command.which("tcpdump") != nil && Command.which("tshark") != nil,
                Comment(rawValue: agentTwoHostUnavailable ?? "tcpdump or tshark is not installed")))
struct AgentIPv6UnderlayTests {
    static func vtep(_ host: Int) -> String { "fd00:98::\(host + 2)" }

    static func config(host: Int) -> String {
        base.replacingOccurrences(of: "vtep: 10.0.0.1", with: "vtep: \(vtep(host))\nrouter-id: 10.9.8.\(host + 1)") + """

        bgp-listen: '[\(vtep(host))]:0'
        route-reflectors:
          - address: fd00:98::1
            port: 11179
        endpoints:
          - vni: 10
            mac: 02:00:00:00:00:0\(host + 1)
            ips: [10.77.0.\(host + 1)]
            port: 1
        """
    }

    @Test("a ping between the containers over IPv6 VXLAN, nothing of IPv4 on the underlay; an IPv4 VTEP's routes refused and counted")
    func pingOverIPv6() async throws {
        try await TwoHostFabric.with(hint: "a6", vtepAddresses: [0, 1].map { "\(Self.vtep($0))/64" }) { fabric in
            let (underlay, hosts, folder) = (fabric.underlay, fabric.hosts, fabric.folder)
            var containers: [OVSContainer] = []
            for (n, host) in hosts.enumerated() {
                // 50 bytes of VXLAN over IPv4 become 70 over IPv6.
                containers.append(try host.addContainer("c", mac: "02:00:00:00:00:0\(n + 1)",
                                                        addresses: ["10.77.0.\(n + 1)/24"], ofport: 1, mtu: 1430))
            }
            // The reflector sits on the underlay itself, at fd00:98::1 (on host 1's
            // br-phy, it would become the source of host 1's tunnel packets).
            let address = try Command.run("ip", ["-n", underlay.name, "addr", "add", "fd00:98::1/64", "dev", "ul", "nodad"])
            #expect(address.status == 0, "\(address.stderr)")

            try fabric.startReflector(["--as", "65000", "--router-id", "10.9.8.254", "--listen", "[fd00:98::1]:11179", "--accept", "fd00:98::/64"],
                                      netns: underlay.name)
            for n in hosts.indices { try fabric.startAgent(n + 1, configuration: Self.config(host: n)) }
            let agents = fabric.agents
            func logs() -> String { fabric.logs(limit: 5000) }

            // Each bridge tunnels to the other's IPv6 VTEP.
            let start = ContinuousClock.now
            let ready = try await eventually(15, every: .milliseconds(100)) {
                try hosts.enumerated().allSatisfy { n, host in
                    try host.dumpFlows().contains { $0.contains("set_field:\(Self.vtep(1 - n))->tun_ipv6_dst") }
                }
            }
            #expect(ready, "no tun_ipv6_dst forward flow\n\(logs())")
            guard ready else { return }
            print("IPv6 underlay: both forward flows \(ContinuousClock.now - start) after the agents started")
            #expect(try hosts.allSatisfy { try $0.dumpFlows().allSatisfy { !$0.contains("->tun_dst") } })

            let pcap = folder.appendingPathComponent("underlay.pcap").path
            let capture = try Daemon(["tcpdump", "-i", "ul", "-n", "-U", "--immediate-mode", "-w", pcap, "udp port 4789"],
                                     netns: underlay.name, log: folder.appendingPathComponent("tcpdump.log"))
            _ = capture.waitForOutput("listening on", within: 5)
            let ping = try Command.run("ip", ["netns", "exec", containers[0].netns,
                                              "ping", "-c", "5", "-i", "0.2", "-W", "1", "10.77.0.2"])
            // Every echo and reply ping counted on file (the checks below read them), then the capture may stop.
            let answered = Int(ping.stdout.split(separator: "\n").first { $0.contains("packets transmitted") }?
                .split(separator: " ").dropFirst(3).first ?? "") ?? 0
            _ = await eventually(5, every: .milliseconds(100)) { capturedPackets(pcap) >= 2 * answered }
            capture.stop()
            let received = ping.stdout.split(separator: "\n").first { $0.contains("packets transmitted") } ?? ""
            #expect(received.contains(" 5 received") || received.contains(" 4 received"),
                    "ping: \(ping.stdout)\(ping.stderr)\n\(logs())")

            // The protocol stack, outer source and destination, VNI, inner ICMP type of every VXLAN packet.
            let fields = try Command.run("tshark", ["-r", pcap, "-d", "udp.port==4789,vxlan", "-T", "fields", "-E", "occurrence=f",
                                                    "-e", "frame.protocols", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "vxlan.vni",
                                                    "-e", "icmp.type"]).stdout
            let packets = fields.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            let notIPv6 = packets.filter { !($0.first ?? "").hasPrefix("eth:ethertype:ipv6:udp:vxlan:") }
            #expect(!packets.isEmpty && notIPv6.isEmpty, "VXLAN packets not over IPv6:\n\(fields)")
            let requests = packets.filter { $0.count == 5 && $0[1] == Self.vtep(0) && $0[2] == Self.vtep(1) && $0[3] == "10" && $0[4] == "8" }
            let replies = packets.filter { $0.count == 5 && $0[1] == Self.vtep(1) && $0[2] == Self.vtep(0) && $0[3] == "10" && $0[4] == "0" }
            print("IPv6 underlay: \(packets.count) VXLAN packets, all IPv6: \(requests.count) echo requests, \(replies.count) replies")
            #expect(requests.count >= 4 && replies.count >= 4, "\(fields)")

            // A mixed fabric: an agent on the underlay (no switch needed: it advertises
            // its configured endpoint, 02:00:00:00:00:08 10.77.0.8) whose VTEP is IPv4.
            let peer = try Command.run("ip", ["-n", underlay.name, "addr", "add", "fd00:98::9/64", "dev", "ul", "nodad"])
            #expect(peer.status == 0, "\(peer.stderr)")
            let mixed = try fabric.startAgent(3, configuration: Self.config(host: 7).replacingOccurrences(of: "vtep: fd00:98::9", with: "vtep: 10.9.8.9"),
                                              netns: underlay.name)
            let refusals = [(agents[0], "agent1.sock", "ours (\(Self.vtep(0))) is IPv6"), (agents[1], "agent2.sock", "ours (\(Self.vtep(1))) is IPv6"),
                            (mixed, "agent3.sock", "ours (10.9.8.9) is IPv4")]
            for (agent, socket, reason) in refusals {
                let warned = await eventually(10, every: .milliseconds(100)) {
                    agent.output.split(separator: "\n").contains { $0.contains("received route not imported") && $0.contains(reason) }
                }
                #expect(warned, "no refusal '\(reason)'\n\(agent.output.suffix(4000))")
                let metrics = try String(decoding: AdminClient(address: .unix(path: folder.appendingPathComponent(socket).path)).get("/metrics").body,
                                         as: UTF8.self)
                #expect(metrics.split(separator: "\n").contains { $0.hasPrefix("swiftplane_errors_total") && $0.contains("kind=\"route_refused\"") },
                        "\(metrics)")
            }
            // The IPv6 part goes on as before: the same tunnels, none to the IPv4 VTEP.
            #expect(try hosts.allSatisfy { try $0.dumpFlows().allSatisfy { !$0.contains("->tun_dst") && !$0.contains("10.77.0.8") && !$0.contains("02:00:00:00:00:08") } })
            let again = try Command.run("ip", ["netns", "exec", containers[0].netns, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.77.0.2"])
            #expect(again.status == 0, "\(again.stdout)\n\(logs())")
        }
    }
}
