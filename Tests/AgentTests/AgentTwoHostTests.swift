import AdminAPI
import Foundation
import Overlay
import Packets
import Testing
import TestSupport

/// Two hosts (each an OVS sandbox with a VTEP on a shared underlay), a
/// `swiftplane-rr` and a `swiftplane-agent` per host, all the built
/// binaries: container a on host 1 reaches container b on host 2 through
/// VXLAN with flows computed from the EVPN routes each agent received.
/// VNI 10 drops broadcast (BUM-less); VNI 11 asks for ingress replication,
/// so a broadcast from its container on host 1 reaches its container on
/// host 2 through the flood group built from host 2's type-3 route.
@Suite("two agents and a route reflector over VXLAN", .serialized,
       .enabled(if: agentTwoHostUnavailable == nil, Comment(rawValue: agentTwoHostUnavailable ?? "")))
struct AgentTwoHostTests {
    /// Host 1 lists its containers in its configuration; host 2 reads them
    /// from OVSDB (`database`), as an orchestrator would set them.
    static func config(host: Int, database: String? = nil) -> String {
        let head = base.replacingOccurrences(of: "vtep: 10.0.0.1", with: "vtep: 10.9.8.\(host)")
            .replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100" + (database.map { "\n    ovsdb: unix:\($0)" } ?? ""))
        let endpoints = database != nil ? "" : """

        endpoints:
          - vni: 10
            mac: 02:00:00:00:00:0\(host)
            ips: [10.77.0.\(host)]
            port: 1
          - vni: 11
            mac: 02:00:00:00:01:0\(host)
            ips: [10.78.0.\(host)]
            port: 2
        """
        return head + """

          - vni: 11
            flood: ingress-replication

        bgp-listen: 10.9.8.\(host):0
        route-reflectors:
          - address: 10.9.8.1
            port: 11179
        """ + endpoints
    }

    @Test("ping across the overlay; broadcast replicated in VNI 11 only; groups as the pipeline wants")
    func pingAcrossTheOverlay() async throws {
        try await TwoHostFabric.with(hint: "ag", vtepAddresses: ["10.9.8.1/24", "10.9.8.2/24"]) { fabric in
            let (hosts, folder, h1, h2) = (fabric.hosts, fabric.folder, fabric.hosts[0], fabric.hosts[1])
            var containers: [OVSContainer] = []
            var flooders: [OVSContainer] = []
            for (n, host) in hosts.enumerated() {
                // The kernel sees frames on netdev ports: keep it from answering ARP for the VTEP.
                _ = try host.exec(["sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2"])
                containers.append(try host.addContainer("c", mac: "02:00:00:00:00:0\(n + 1)",
                                                        addresses: ["10.77.0.\(n + 1)/24"], ofport: 1, mtu: 1450))
                flooders.append(try host.addContainer("d", mac: "02:00:00:00:01:0\(n + 1)",
                                                      addresses: ["10.78.0.\(n + 1)/24"], ofport: 2, mtu: 1450))
            }
            for (port, vni, mac, ip) in [("c", 10, "02:00:00:00:00:02", "10.77.0.2"), ("d", 11, "02:00:00:00:01:02", "10.78.0.2")] {
                try h2.vsctl("set", "port", port, "external_ids:vni=\(vni)", "external_ids:attached-mac=\(mac)",
                             "external_ids:ip=\(ip)")
            }

            let reflector = try fabric.startReflector(["--as", "65000", "--router-id", "10.9.8.254", "--listen", "10.9.8.1:11179",
                                                       "--accept", "10.9.8.0/24", "--graceful-restart"], netns: h1.name)
            for (n, host) in hosts.enumerated() {
                // Host 2 reads its containers from OVSDB.
                let database = n == 1 ? host.databaseSocket : nil
                try fabric.startAgent(n + 1, configuration: Self.config(host: n + 1, database: database))
            }
            var agents = fabric.agents
            defer { agents.forEach { $0.stop() } }
            func logs() -> String { fabric.logs() }

            // Each bridge gets the other host's endpoint from BGP: a forward-remote flow.
            let remote = FlowCookie(.forwardRemote, vni: VNI(rawValue: 10)).cookie
            let ready = try await eventually(15, every: .milliseconds(100)) {
                try hosts.allSatisfy { try AgentOVSTests.dump($0).contains { $0.0.cookie == remote } }
            }
            #expect(ready, "no forward-remote flow\n\(logs())")
            guard ready else { return }

            let ping = try Command.run("ip", ["netns", "exec", containers[0].netns,
                                              "ping", "-c", "5", "-i", "0.2", "-W", "1", "10.77.0.2"])
            let received = ping.stdout.split(separator: "\n").first { $0.contains("packets transmitted") } ?? ""
            #expect(received.contains(" 5 received") || received.contains(" 4 received"),
                    "ping: \(ping.stdout)\(ping.stderr)\n\(logs())")

            // The operator's view of the same: agent 1's endpoints name the
            // remote one as learned from BGP; its RIB shows the route reflected with
            // ORIGINATOR_ID and CLUSTER_LIST; the reflector lists one route per host.
            if let ctl = Command.builtProduct("swiftplanectl") {
                func json(_ arguments: [String], _ socket: String) throws -> [[String: Any]] {
                    let r = try Command.run(ctl, arguments + ["--json", "--socket", folder.appendingPathComponent(socket).path])
                    #expect(r.status == 0, "\(arguments): \(r.stderr)")
                    return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
                }
                let endpoints = try json(["endpoints"], "agent1.sock")
                let remoteEndpoint = endpoints.first { $0["mac"] as? String == "02:00:00:00:00:02" }
                #expect(remoteEndpoint?["source"] as? String == "bgp" && remoteEndpoint?["vtep"] as? String == "10.9.8.2"
                        && remoteEndpoint?["location"] as? String == "remote", "\(endpoints)")
                #expect(endpoints.first { $0["mac"] as? String == "02:00:00:00:00:01" }?["source"] as? String == "static")
                let neighbors = try json(["neighbors"], "agent1.sock")
                #expect(neighbors.count == 1 && neighbors.first?["address"] as? String == "10.9.8.1"
                        && neighbors.first?["state"] as? String == "Established", "\(neighbors)")
                let agentRoutes = try json(["routes", "--type", "2"], "agent1.sock")
                let reflected = agentRoutes.first { $0["mac"] as? String == "02:00:00:00:00:02" }
                #expect(reflected?["originatorID"] as? String == "10.9.8.2" && reflected?["clusterList"] as? [String] == ["10.9.8.254"]
                        && reflected?["nextHop"] as? String == "10.9.8.2" && reflected?["vni"] as? Int == 10, "\(agentRoutes)")
                let rrRoutes = try json(["routes", "--type", "2", "--vni", "10"], "rr.sock")
                #expect(Set(rrRoutes.compactMap { $0["fromPeer"] as? String }) == ["10.9.8.1", "10.9.8.2"], "\(rrRoutes)")
            }

            // Each host holds exactly the flows and groups the pipeline
            // wants for it: VNI 11's two flood groups, the one for local
            // senders replicating to the other host's VTEP.
            let vni11 = VNI(rawValue: 11)!
            for (n, host) in hosts.enumerated() {
                let other = "10.9.8.\(2 - n)"
                let expected = [
                    "group_id=\(FloodGroup.everywhere.id(vni11)),type=all,bucket=actions=output:2,"
                        + "bucket=actions=set_field:0xb->tun_id,set_field:\(other)->tun_dst,output:100",
                    "group_id=\(FloodGroup.localPorts.id(vni11)),type=all,bucket=actions=output:2",
                ]
                // The type-3 route may trail the type-2 ones a little.
                var groups: [String] = []
                _ = try await eventually(5, every: .milliseconds(100)) {
                    groups = try Self.groupLines(host).map { $0.text.trimmingCharacters(in: .whitespaces) }
                    return groups == expected
                }
                #expect(groups == expected, "host \(n + 1) dump-groups: \(groups)\n\(logs())")
                let wanted = Pipeline.flows(for: Self.expectedState(host: n + 1)).entries
                    .map { AgentOVSTests.FlowName(cookie: $0.cookie, table: $0.key.tableID, priority: $0.key.priority) }
                #expect(try AgentOVSTests.dump(host).map(\.0).sorted() == wanted.sorted(), "host \(n + 1)\n\(logs())")
            }

            // OVS's own trace of a broadcast in VNI 11 on host 1: from
            // the local container, into the tunnel to host 2 and not
            // back out of its own port; from the tunnel, to the local
            // container only (split horizon).
            let fromLocal = try h1.appctl("ofproto/trace", h1.bridge,
                                          "in_port=2,dl_src=02:00:00:00:01:01,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x0800,nw_src=10.78.0.1,nw_dst=10.78.0.255")
            #expect(fromLocal.contains("group:\(FloodGroup.everywhere.id(vni11))")
                    && fromLocal.contains("10.9.8.2->tun_dst") && fromLocal.contains("skipping output to input port"),
                    "trace from the local port:\n\(fromLocal)")
            let fromTunnel = try h1.appctl("ofproto/trace", h1.bridge,
                                           "in_port=100,tun_id=0xb,tun_src=10.9.8.2,tun_dst=10.9.8.1,dl_src=02:00:00:00:01:02,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x0800")
            #expect(fromTunnel.contains("group:\(FloodGroup.localPorts.id(vni11))") && fromTunnel.contains("output:2")
                    && !fromTunnel.contains("->tun_dst"), "trace from the tunnel:\n\(fromTunnel)")

            // Answer broadcast pings in both tenants on host 2, then
            // ping each tenant's broadcast address from host 1.
            for container in [containers[1], flooders[1]] {
                _ = try Command.run("ip", ["netns", "exec", container.netns, "sysctl", "-q", "-w",
                                           "net.ipv4.icmp_echo_ignore_broadcasts=0"])
            }
            let dropBefore = try AgentOVSTests.packets(h1, .dropBroadcast, vni: 10)
            let floodBefore = try AgentOVSTests.packets(h1, .floodBroadcast, vni: 11)
            let fromTunnelBefore = try AgentOVSTests.packets(h2, .floodFromTunnel, vni: 11)
            let flooded = try Command.run("ip", ["netns", "exec", flooders[0].netns,
                                                 "ping", "-b", "-c", "3", "-i", "0.3", "-W", "1", "10.78.0.255"])
            #expect(flooded.stdout.contains("from 10.78.0.2"), "VNI 11 broadcast: \(flooded.stdout)\(flooded.stderr)\n\(logs())")
            #expect(try AgentOVSTests.packets(h1, .floodBroadcast, vni: 11, reach: floodBefore + 3))
            #expect(try AgentOVSTests.packets(h2, .floodFromTunnel, vni: 11, reach: fromTunnelBefore + 3))
            let dropped = try Command.run("ip", ["netns", "exec", containers[0].netns,
                                                 "ping", "-b", "-c", "3", "-i", "0.3", "-W", "1", "10.77.0.255"])
            #expect(!dropped.stdout.contains("from 10.77.0.2"), "VNI 10 broadcast crossed: \(dropped.stdout)")
            #expect(try AgentOVSTests.packets(h1, .dropBroadcast, vni: 10, reach: dropBefore + 3))

            // Graceful restart: agent 2 stops (SIGTERM) without a
            // NOTIFICATION; the reflector keeps its routes as stale,
            // so host 1 keeps its tunnel flow and the ping still
            // works (host 2's OVS keeps its flows too).
            #expect(agents[1].signal(SIGTERM, within: 5), "agent 2 did not exit on SIGTERM")
            // The reflector saw the session go and keeps agent 2's routes, marked
            // stale, as its best: it sent host 1 no withdrawal, so what host 1
            // holds now it holds for good.
            let rrClient = AdminClient(address: .unix(path: folder.appendingPathComponent("rr.sock").path))
            let keptStale = await eventually(10, every: .milliseconds(100)) {
                let routes = ((try? rrClient.get("/routes", as: [RouteReport].self)) ?? []).filter { $0.fromPeer == "10.9.8.2" && $0.type == 2 }
                return reflector.output.contains("restarting gracefully") && !routes.isEmpty && routes.allSatisfy { $0.stale && $0.best }
            }
            #expect(keptStale, "\(logs())")
            #expect(try AgentOVSTests.dump(h1).contains { $0.0.cookie == remote }, "host 1 lost host 2's endpoint\n\(logs())")
            let headless = try Command.run("ip", ["netns", "exec", containers[0].netns,
                                                  "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.77.0.2"])
            #expect(headless.stdout.contains("3 received"), "ping with agent 2 down: \(headless.stdout)")
            // It comes back: its routes are refreshed, nothing is lost on the way.
            agents.append(try Daemon([try #require(Command.builtProduct("swiftplane-agent")), "--config", fabric.path("agent2.yaml")],
                                     netns: h2.name, log: folder.appendingPathComponent("agent2-again.log")))
            let again = agents[2]
            let back = await eventually(10, every: .milliseconds(100)) { again.output.contains("established") }
            #expect(back, "agent 2 did not re-establish:\n\(agents[2].output)")
            // Its first table held its OVSDB endpoints before its
            // End-of-RIB: the reflector had no stale route left to purge.
            let purged = await eventually(10, every: .milliseconds(100)) {
                reflector.output.contains("End-of-RIB: stale routes purged")
            }
            #expect(purged, "no End-of-RIB from agent 2 again\n\(logs())")
            let endOfRIB = reflector.output.split(separator: "\n").filter { $0.contains("End-of-RIB: stale routes purged") }
            #expect(endOfRIB.count == 1 && endOfRIB.allSatisfy { $0.contains("count=0") }, "\(endOfRIB)\n\(logs())")
            #expect(try AgentOVSTests.dump(h1).contains { $0.0.cookie == remote }, "\(logs())")
        }
    }
}

extension AgentTwoHostTests {
    /// What host `n`'s bridge should be, from the two configurations: its
    /// own containers, the other host's as remote, VNI 11 replicated to the
    /// other VTEP, the default meter.
    static func expectedState(host n: Int) -> BridgeState {
        let other = 3 - n
        func endpoints(_ host: Int, _ location: EndpointLocation) -> [Endpoint] {
            [Endpoint(vni: VNI(rawValue: 10)!, mac: EthernetAddress(2, 0, 0, 0, 0, UInt8(host)),
                      ipv4: [IPv4Address(10, 77, 0, UInt8(host))], location: location.portOffset(0)),
             Endpoint(vni: VNI(rawValue: 11)!, mac: EthernetAddress(2, 0, 0, 0, 1, UInt8(host)),
                      ipv4: [IPv4Address(10, 78, 0, UInt8(host))], location: location.portOffset(1))]
        }
        return BridgeState(vxlanPort: 100, ports: [1: VNI(rawValue: 10)!, 2: VNI(rawValue: 11)!],
                           endpoints: endpoints(n, .local(port: 1)) + endpoints(other, .remote(vtep: .v4(IPv4Address(10, 9, 8, UInt8(other))))),
                           ingressReplication: [VNI(rawValue: 11)!: [.v4(IPv4Address(10, 9, 8, UInt8(other)))]],
                           addressResolutionRate: 100)
    }

    /// `dump-groups` as (group id, the rest of the line), in id order.
    static func groupLines(_ sandbox: OVSSandbox) throws -> [(id: UInt32, text: String)] {
        try sandbox.ofctl("dump-groups", sandbox.bridge).split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "group_id=") else { return nil }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            return UInt32(digits).map { ($0, String(line)) }
        }.sorted { $0.id < $1.id }
    }
}

private extension EndpointLocation {
    /// Local port 1 + offset; a remote location unchanged.
    func portOffset(_ offset: UInt32) -> EndpointLocation {
        if case let .local(port) = self { return .local(port: port + offset) }
        return self
    }
}

/// Why the two-host test cannot run here, or nil when it can.
let agentTwoHostUnavailable: String? = agentOVSTestsUnavailable
    ?? (Command.builtProduct("swiftplane-rr") == nil ? "swiftplane-rr is not built (swift build)" : nil)
