import AdminAPI
import Foundation
import Testing
import TestSupport

/// Why the real-OVS agent test cannot run here, or nil when it can.
let agentAdminUnavailable: String? = AgentSandbox.unavailableReason
    ?? (Built.ctl == nil ? "swiftplanectl is not built (swift build)" : nil)

/// `swiftplanectl endpoints`, `switches`, `flows [--live]` and `bum`, and
/// the Prometheus page, against the built agent driving real Open vSwitch
/// in a private namespace: two containers from the configuration (static),
/// one from OVSDB with its MAC (ovsdb), one whose MAC the agent gleans
/// from its traffic (learned).
@Suite("the agent's admin API against real Open vSwitch", .serialized,
       .enabled(if: agentAdminUnavailable == nil, Comment(rawValue: agentAdminUnavailable ?? "")))
struct AgentAdminTests {
    static let tenant = AgentSandbox.tenants([StaticEndpoint(mac: "02:00:00:00:00:0a", ips: ["10.77.0.1", "fd00::1"], port: 1),
                                              StaticEndpoint(mac: "02:00:00:00:00:0b", ips: ["10.77.0.2", "fd00::2"], port: 2)])

    @Test func endpointsSwitchesFlowsBUMAndMetrics() async throws {
        try await AgentSandbox.with(hint: "adm") { fixture in
            let sandbox = fixture.sandbox
            let socket = fixture.adminSocket
            let a = try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            let b = try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: ["10.77.0.2/24"], ofport: 2)
            // IPv6 without duplicate address detection, so it is usable at once.
            for (container, address) in [(a, "fd00::1/64"), (b, "fd00::2/64")] {
                _ = try Command.run("ip", ["-n", container.netns, "addr", "add", address, "dev", container.interface, "nodad"])
            }
            let c = try sandbox.addContainer("c", mac: "02:00:00:00:00:0c", addresses: ["10.77.0.3/24"], ofport: 3)
            try sandbox.addContainer("d", mac: "02:00:00:00:00:0d", addresses: ["10.77.0.4/24"], ofport: 4)
            // c: in the tenant, MAC unknown (to be gleaned); d: fully described in OVSDB.
            try sandbox.vsctl("set", "port", "c", "external_ids:vni=10")
            try sandbox.vsctl("set", "port", "d", "external_ids:vni=10", "external_ids:attached-mac=02:00:00:00:00:0d",
                              "external_ids:ip=10.77.0.4")
            try fixture.addVXLANPort()
            let dpid = try sandbox.vsctl("get", "bridge", sandbox.bridge, "datapath_id")
                .trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "\""))

            let agent = try fixture.startAgent(configuration: fixture.configuration(ovsdb: true, admin: true, Self.tenant))
            let client = AdminClient(address: .unix(path: socket))

            // flows --live converges: every wanted flow installed, nothing missing, different or extra.
            var reports: [FlowReport] = []
            let converged = await eventually(20, every: .milliseconds(200)) {
                reports = (try? client.get("/flows?live=1", as: [FlowReport].self)) ?? []
                guard let r = reports.first, !r.flows.isEmpty else { return false }
                // d's endpoint from OVSDB must be in: its forward flow.
                return r.counts[.installed] == r.flows.count && r.flows.contains { $0.role == "forward-local" && $0.match.contains("eth_dst=02:00:00:00:00:0d") }
            }
            #expect(converged, "flows: \(reports.first?.counts ?? [:]); agent log:\n\(agent.output.suffix(2000))")
            guard converged else { return }

            // switches: the sandbox's bridge, its ports, as JSON and as a table.
            let switchesJSON = try Built.ctl(socket, ["switches", "--json"])
            #expect(switchesJSON.status == 0, "\(switchesJSON.stderr)")
            let switches = try JSONDecoder().decode([SwitchReport].self, from: Data(switchesJSON.stdout.utf8))
            #expect(switches.map(\.dpid.description) == [dpid])
            let sw = try #require(switches.first)
            #expect(sw.bridge == "br0" && sw.connectedSeconds >= 0 && sw.address.hasPrefix("127.0.0.1:"))
            #expect(Set(sw.ports.map(\.name)).isSuperset(of: ["a", "b", "c", "d", "vxlan0"]), "\(sw.ports)")
            #expect(sw.ports.first { $0.name == "vxlan0" }?.number == 100)
            #expect(sw.flows == reports.first?.flows.count)
            let switchesTable = try Built.ctl(socket, ["switches"])
            #expect(switchesTable.stdout.hasPrefix("DPID") && switchesTable.stdout.contains(dpid) && switchesTable.stdout.contains("100:vxlan0"),
                    "\(switchesTable.stdout)")

            // Traffic: c talks to a (c is gleaned), a broadcasts (dropped and counted).
            let bumBefore = try client.get("/bum", as: [BUMReport].self).first { $0.vni == 10 }
            let metricsBefore = try String(decoding: client.get("/metrics").body, as: UTF8.self)
            _ = try Command.run("ip", ["netns", "exec", c.netns, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.77.0.1"])
            _ = try Command.run("ip", ["netns", "exec", a.netns, "ping", "-b", "-c", "3", "-i", "0.2", "-W", "1", "10.77.0.255"])
            // a's neighbour solicitation for b is answered inside OVS (the ND responder), not by the agent.
            let ping6 = try Command.run("ip", ["netns", "exec", a.netns, "ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", "fd00::2"])
            #expect(ping6.stdout.contains("2 received"), "\(ping6.stdout)\(ping6.stderr)")

            // endpoints: each source named.
            var endpoints: [EndpointReport] = []
            let learned = await eventually(10, every: .milliseconds(200)) {
                let r = try? Built.ctl(socket, ["endpoints", "--json"])
                endpoints = (try? JSONDecoder().decode([EndpointReport].self, from: Data((r?.stdout ?? "").utf8))) ?? []
                return endpoints.contains { $0.mac == "02:00:00:00:00:0c" }
            }
            #expect(learned, "\(endpoints); agent log:\n\(agent.output.suffix(1500))")
            let sources = Dictionary(endpoints.map { ($0.mac, $0.source) }, uniquingKeysWith: { a, _ in a })
            #expect(sources == ["02:00:00:00:00:0a": .static, "02:00:00:00:00:0b": .static, "02:00:00:00:00:0c": .learned,
                                "02:00:00:00:00:0d": .ovsdb], "\(endpoints)")
            let endpointA = try #require(endpoints.first { $0.mac == "02:00:00:00:00:0a" })
            #expect(endpointA.vni == 10 && endpointA.ips == ["10.77.0.1", "fd00::1"] && endpointA.port == 1 && endpointA.location == "local"
                    && endpointA.bridge == "br0")
            #expect(endpoints.first { $0.mac == "02:00:00:00:00:0c" }?.ips.contains("10.77.0.3") == true)
            let endpointsTable = try Built.ctl(socket, ["endpoints"])
            let rowC = endpointsTable.stdout.split(separator: "\n").first { $0.contains("02:00:00:00:00:0c") }.map(String.init) ?? ""
            #expect(endpointsTable.stdout.hasPrefix("VNI") && rowC.hasSuffix("learned") && rowC.contains("br0 port 3"), "\(endpointsTable.stdout)")

            // bum: the broadcast drop counter moved by the pings, in JSON, the table and the metrics
            // (OVS pushes datapath statistics to the flows about once a second: polled).
            var bumNow: BUMReport?
            let counted = await eventually(5, every: .milliseconds(200)) {
                bumNow = (try? client.get("/bum", as: [BUMReport].self))?.first { $0.vni == 10 }
                return (bumNow?.broadcastPackets ?? 0) >= (bumBefore?.broadcastPackets ?? 0) + 3
            }
            let bum = try #require(bumNow)
            #expect(counted, "\(bum) vs \(String(describing: bumBefore))")
            #expect(bum.switches == 1 && bum.bytes > 0)
            let bumTable = try Built.ctl(socket, ["bum"])
            #expect(bumTable.status == 0)
            let bumRow = bumTable.stdout.split(separator: "\n").dropFirst().first.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(bumRow.first == "10" && bumRow.dropFirst().first.flatMap { UInt64($0) } ?? 0 >= bum.broadcastPackets, "\(bumTable.stdout)")
            let metrics = try String(decoding: client.get("/metrics").body, as: UTF8.self)
            let drops = Built.sample(metrics, "bum_dropped_packets", ["vni": "10", "kind": "broadcast"]) ?? -1
            #expect(drops >= Double(bum.broadcastPackets), "\(metrics)")
            #expect(drops > (Built.sample(metricsBefore, "bum_dropped_packets", ["vni": "10", "kind": "broadcast"]) ?? 0))
            #expect((Built.sample(metrics, "openflow_flow_mods_sent_total", ["dpid": dpid]) ?? 0) > 0)
            let nd = ["reason": "nd-to-controller"]
            #expect(Built.sample(metrics, "openflow_packet_ins_total", nd) == Built.sample(metricsBefore, "openflow_packet_ins_total", nd),
                    "\(metrics)")
            #expect(Built.sample(metrics, "agent_address_resolution_answered_total", ["protocol": "nd"])
                    == Built.sample(metricsBefore, "agent_address_resolution_answered_total", ["protocol": "nd"]))

            // flows --live after traffic: counters on the flows that carried it; --dpid filters; unknown dpid is 404 -> exit 1.
            let live = try Built.ctl(socket, ["flows", "--live", "--dpid", dpid, "--json"])
            let liveReports = try JSONDecoder().decode([FlowReport].self, from: Data(live.stdout.utf8))
            #expect(liveReports.count == 1)
            #expect(liveReports.first?.flows.contains { $0.role == "drop-broadcast" && ($0.packets ?? 0) >= 3 } == true)
            let wantedCount = liveReports.first?.flows.filter { $0.state != .extra && $0.state != .foreign }.count ?? -1
            #expect(Built.sample(metrics, "openflow_flows", ["dpid": dpid]) == Double(wantedCount))
            let liveTable = try Built.ctl(socket, ["flows", "--live"])
            #expect(liveTable.stdout.hasPrefix("switch \(dpid) (br0):") && liveTable.stdout.contains("installed  30"), "\(liveTable.stdout.prefix(600))")
            let wanted = try Built.ctl(socket, ["flows"])
            #expect(wanted.stdout.contains("wanted") && !wanted.stdout.contains("PACKETS"), "\(wanted.stdout.prefix(400))")
            let unknown = try Built.ctl(socket, ["flows", "--dpid", "00000000000000ff"])
            #expect(unknown.status == 1 && unknown.stderr.contains("404") && unknown.stderr.contains("no switch 00000000000000ff is connected"),
                    "\(unknown.stderr)")

            // An operator's flow (another cookie) shows as foreign, not touched.
            _ = try sandbox.ofctl("add-flow", sandbox.bridge, "table=50,priority=7,cookie=0x1,actions=drop")
            let foreign = try client.get("/flows?live=1", as: [FlowReport].self).first?.flows.filter { $0.state == .foreign } ?? []
            #expect(foreign.count == 1 && foreign.first?.table == 50, "\(foreign)")

            #expect(agent.isRunning)
            kill(agent.pid, SIGTERM)
            #expect(await eventually(5, every: .milliseconds(200)) { !agent.isRunning })
            #expect(!FileManager.default.fileExists(atPath: socket), "the admin socket stays after exit")
        }
    }
}
