import AdminAPI
import Agent
import AgentConfiguration
import BGP
import Foundation
import Logging
import Overlay
import Testing
@testable import swiftplane_agent

/// An agent (not started) on br0 with a static endpoint 02:00:00:00:00:0a
/// on port 3 of VNI 10, for its admin views.
func viewDaemon(vnis: String) throws -> AgentDaemon {
    let yaml = """
        vtep: 10.0.0.1
        as: 65000
        controller: {listen: '127.0.0.1:0'}
        bridges: [{name: br0, vxlan-port: 100}]
        vnis: \(vnis)
        endpoints: [{vni: 10, mac: '02:00:00:00:00:0a', port: 3}]
        """
    return try AgentDaemon(configuration: try AgentConfiguration.parse(yaml: yaml, file: "agent.yaml"), logger: Logger(label: "test"))
}

/// `swiftplanectl evpn vnis` through the agent's admin router: a tenant's
/// local ports and MACs, the remote VTEPs its routes came from, and with
/// ingress replication the flood list made of their type-3 routes.
struct EVPNVNIsViewTests {
    @Test func remoteVTEPsAndFloodListComeFromTheRoutes() async throws {
        let daemon = try viewDaemon(vnis: "[{vni: 10, flood: ingress-replication}, {vni: 11}]")
        let b = Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: .remote(vtep: remoteVTEP))
        let routes = remoteRoutes(b)
        #expect(routes.contains { if case .inclusiveMulticastEthernetTag = $0.route { true } else { false } }, "a type-3 route among \(routes)")
        await daemon.handle(.routesChanged(routes.map { ($0.route, $0) }))
        let router = daemon.adminRouter(metrics: nil)
        let vnis = try JSONDecoder().decode([VNIReport].self, from: Data(await router.respond(to: AdminRequest(path: "/evpn/vnis")).body))
        let ten = try #require(vnis.first { $0.vni == 10 }, "\(vnis)")
        #expect(ten.served && ten.flood == "ingress-replication" && ten.localPorts == ["br0:3"] && ten.localMACs == 1, "\(ten)")
        #expect(ten.remoteMACs == 1 && ten.remoteVTEPs == ["\(remoteVTEP)"] && ten.floodList == ["\(remoteVTEP)"], "\(ten)")
        let eleven = try #require(vnis.first { $0.vni == 11 }, "\(vnis)")
        #expect(eleven.flood == "drop" && eleven.remoteVTEPs.isEmpty && eleven.floodList.isEmpty && eleven.localPorts.isEmpty, "\(eleven)")

        // Withdrawn: the VTEP leaves both lists.
        await daemon.handle(.routesChanged(routes.map { ($0.route, nil) }))
        let after = try JSONDecoder().decode([VNIReport].self, from: Data(await router.respond(to: AdminRequest(path: "/evpn/vnis")).body))
        #expect(after.first { $0.vni == 10 }.map { $0.remoteVTEPs.isEmpty && $0.floodList.isEmpty && $0.remoteMACs == 0 } == true, "\(after)")
    }
}
