import AdminAPI
import Foundation
import Overlay
import Testing
import TestSupport

/// The configured VXLAN ofport is checked in OVSDB. While it
/// is not a flow-based VXLAN interface the agent installs no tunnel flow (a
/// remote endpoint's frames never leave through a container's port), warns
/// naming the port and the field, counts it, and recovers once OVSDB shows
/// the interface fixed. Real OVS, swiftplane-rr and GoBGP as the remote host,
/// all on the sandbox namespace's loopback.
@Suite("the VXLAN port is verified in OVSDB", .serialized,
       .enabled(if: agentOVSTestsUnavailable == nil && GoBGPDaemon.available,
                Comment(rawValue: agentOVSTestsUnavailable ?? "gobgpd or gobgp is not installed")))
struct VXLANPortOVSTests {
    struct Case: NamedRow {
        var name: String
        var vxlanPort: Int
        /// ovs-vsctl arguments making the port (none: the ofport is a container's).
        var create: [String]?
        var field: String
        var value: String
        /// ovs-vsctl arguments fixing it, when it can be fixed in place.
        var fix: [String]?
    }

    static let vtep = "127.0.0.1"
    static let remoteVTEP = "127.0.0.2"
    static let remoteMAC = "02:00:00:00:00:63"

    static func vxlan(_ options: String...) -> [String] {
        ["add-port", "br0", "vxlan0", "--", "set", "interface", "vxlan0", "type=vxlan", "ofport_request=100"] + options
    }

    static let cases = [
        Case(name: "the ofport is a container's port", vxlanPort: 2, field: "type", value: "\"\""),
        Case(name: "key is not flow", vxlanPort: 100,
             create: vxlan("options:remote_ip=flow", "options:key=5", "options:local_ip=\(vtep)"),
             field: "options:key", value: "\"5\"", fix: ["set", "interface", "vxlan0", "options:key=flow"]),
        Case(name: "remote_ip is fixed", vxlanPort: 100,
             create: vxlan("options:remote_ip=127.0.0.7", "options:key=flow"),
             field: "options:remote_ip", value: "\"127.0.0.7\"", fix: ["set", "interface", "vxlan0", "options:remote_ip=flow"]),
        Case(name: "local_ip is another address", vxlanPort: 100,
             create: vxlan("options:remote_ip=flow", "options:key=flow", "options:local_ip=127.0.0.9"),
             field: "options:local_ip", value: "\"127.0.0.9\"", fix: ["remove", "interface", "vxlan0", "options", "local_ip"]),
    ]

    /// Container a (port 1) configured in VNI 10, as in `AgentGoBGPRemoteTests`.
    static let tenant = AgentGoBGPRemoteTests.tenant

    /// The four cases side by side, each in its own sandbox namespace with
    /// its own OVS, reflector, agent and GoBGP: they wait mostly on GoBGP,
    /// which dials 5-9 s after its start (36 s one after the other). Every
    /// check is its own and its message names the case.
    @Test func tunnelFlowsOnlyThroughAVerifiedPort() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in Self.cases { group.addTask { try await Self.tunnelFlowsOnlyThroughAVerifiedPort(c) } }
            try await group.waitForAll()
        }
    }

    static func tunnelFlowsOnlyThroughAVerifiedPort(_ c: Case) async throws {
        try await AgentSandbox.with(hint: "vxp") { fixture in
            let sandbox = fixture.sandbox
            try sandbox.addContainer("a", mac: "02:00:00:00:00:01", addresses: ["10.77.0.1/24"], ofport: 1)
            try sandbox.addContainer("b", mac: "02:00:00:00:00:02", addresses: ["10.77.0.2/24"], ofport: 2)
            if let create = c.create { try sandbox.vsctl(create) }
            let reflector = try fixture.startReflector(on: Self.vtep)
            let config = fixture.configuration(vtep: Self.vtep, ovsdb: true, admin: true, reflector: true, Self.tenant)
                .replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: \(c.vxlanPort)")
            let agent = try fixture.startAgent(configuration: config)
            let gobgpd = try GoBGPDaemon(address: Self.remoteVTEP, peer: Self.vtep, peerPort: AgentSandbox.reflectorPort,
                                         netns: sandbox.name)
            defer { gobgpd.stop() }
            func logs() -> String { "rr:\n\(reflector.output.suffix(2000))\nagent:\n\(agent.output.suffix(6000))" }
            let added = try await eventually(10, every: .milliseconds(100)) {
                try gobgpd.evpn(GoBGPDaemon.macadv(Self.remoteMAC, "10.77.0.99", vni: 10, vtep: Self.remoteVTEP, rd: 10))
            }
            #expect(added, "\(c.name): gobgp could not add the route\n\(logs())")

            // The agent holds the remote endpoint and has programmed the local
            // part of the overlay, the remote endpoint's part included: the
            // ARP responder for its address, which goes out in the same
            // change as its tunnel flows would. Only then does their absence
            // below say anything.
            let client = AdminClient(address: .unix(path: fixture.adminSocket))
            let known = await eventually(20, every: .milliseconds(100)) {
                let endpoints = (try? client.get("/endpoints", as: [EndpointReport].self)) ?? []
                let local = ((try? AgentOVSTests.dump(sandbox)) ?? []).contains { $0.0.cookie == Self.cookie(.forwardLocal) }
                let responder = ((try? sandbox.dumpFlows()) ?? []).contains { $0.contains("arp_tpa=10.77.0.99") }
                return local && responder && endpoints.contains { $0.mac == Self.remoteMAC }
            }
            #expect(known, "\(c.name): \(logs())")
            let tunnel = [Self.cookie(.forwardRemote), Self.cookie(.classifyTunnel)]
            let flows = try AgentOVSTests.dump(sandbox).map(\.0)
            #expect(!flows.contains { tunnel.contains($0.cookie) }, "\(c.name): tunnel flows on an unverified port:\n\(flows)\n\(logs())")
            let toPort = try sandbox.dumpFlows().filter { $0.contains("output:\(c.vxlanPort)") }
            #expect(toPort.isEmpty, "\(c.name): flows to ofport \(c.vxlanPort):\n\(toPort.joined(separator: "\n"))")
            let warning = agent.output.split(separator: "\n").first { $0.contains("VXLAN port refused") }
            #expect(warning?.contains("vxlan-port \(c.vxlanPort)") == true && warning?.contains("\(c.field)=\(c.value)") == true,
                    "\(c.name): \(warning ?? "no warning")\n\(logs())")
            let metrics = try String(decoding: client.get("/metrics").body, as: UTF8.self)
            #expect(metrics.split(separator: "\n").contains { $0.hasPrefix("swiftplane_errors_total") && $0.contains("kind=\"vxlan_port\"") && $0.hasSuffix(" 1") },
                    "\(c.name): \(metrics)")
            // The live view compares the switch with what it was given: no tunnel flow shows as missing.
            let live = try client.get("/flows?live=1", as: [FlowReport].self).flatMap(\.flows)
            let wrong = live.filter { $0.state != .installed && $0.state != .foreign }
            #expect(!live.isEmpty && wrong.isEmpty, "\(c.name): \(wrong)")

            guard let fix = c.fix else { return }
            try sandbox.vsctl(fix)
            let recovered = await eventually(10, every: .milliseconds(100)) {
                let flows = ((try? AgentOVSTests.dump(sandbox)) ?? []).map(\.0.cookie)
                return tunnel.allSatisfy { flows.contains($0) }
            }
            #expect(recovered, "\(c.name): no tunnel flows once the port is fixed\n\(logs())")
            #expect(agent.output.contains("VXLAN port verified"), "\(c.name): \(logs())")
        }
    }

    static func cookie(_ role: FlowRole) -> UInt64 { FlowCookie(role, vni: VNI(rawValue: 10)).cookie }
}
