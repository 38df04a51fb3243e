import Agent
import OpenFlow
import OpenFlowController
import Overlay
import Packets
import Testing

/// A gleaned endpoint never takes an address another
/// local endpoint holds. Configured (static or OVSDB) endpoints win over
/// gleaned ones, the first gleaned claim wins over a later one, and each
/// refusal is counted. The intruders' MACs are larger than the holders', so
/// the ARP responder's tie-break by key would have let them answer.
struct AddressClaimTests {
    static let ip = IPv4Address(10, 77, 0, 1)
    static let holder = EthernetAddress(0x02, 0, 0, 0, 0, 0x01)
    static let intruder = EthernetAddress(0x02, 0, 0, 0, 0, 0xee)
    static let configured = Endpoint(vni: vni, mac: holder, ipv4: [ip], location: .local(port: 1))

    static func arp(from mac: EthernetAddress, claiming address: IPv4Address = ip) -> PacketIn {
        packetIn(FrameBuilder.arpRequest(senderHardwareAddress: mac, senderAddress: address, target: IPv4Address(10, 77, 0, 254)),
                 port: mac == holder ? 1 : 2)
    }

    /// The MACs the ARP responder flows for `ip` answer with.
    static func answerers(_ agent: inout AgentCore) -> [UInt64] {
        _ = agent.takeFlowUpdates()
        let flows = agent.tables("br0")?.flows.entries ?? []
        return flows.filter { $0.key.tableID == Pipeline.Table.addressResolution && $0.key.match[.arpTPA] == OXMField(.arpTPA, UInt64(ip.rawValue)) }
            .flatMap { flow in
                flow.instructions.flatMap { instruction -> [UInt64] in
                    guard case let .applyActions(actions) = instruction else { return [] }
                    return actions.compactMap { action in
                        if case let .setField(field) = action, field.basic == .ethSrc { field.integerValue } else { nil }
                    }
                }
            }
    }

    static func addresses(_ agent: AgentCore, _ mac: EthernetAddress) -> [IPv4Address]? {
        agent.localEndpoints.first { $0.mac == mac }?.ipv4
    }

    @Test func aConfiguredEndpointKeepsItsAddress() {
        var agent = core(endpoints: [Self.configured])
        _ = agent.handlePacketIn(Self.arp(from: Self.intruder), bridge: "br0", at: .now)
        #expect(Self.addresses(agent, Self.intruder) == [], "the intruder is gleaned, without the address")
        #expect(Self.answerers(&agent) == [Self.holder.rawValue])
        #expect(agent.refusedClaimCount == 1)
        #expect(agent.takeRefusedClaims() == ["br0 VNI 10 02:00:00:00:00:ee claims 10.77.0.1, which 02:00:00:00:00:01 holds"])
    }

    @Test func theFirstGleanedClaimWins() {
        var agent = core()
        _ = agent.handlePacketIn(Self.arp(from: Self.holder), bridge: "br0", at: .now)
        _ = agent.handlePacketIn(Self.arp(from: Self.intruder), bridge: "br0", at: .now)
        #expect(Self.addresses(agent, Self.holder) == [Self.ip])
        #expect(Self.addresses(agent, Self.intruder) == [])
        #expect(Self.answerers(&agent) == [Self.holder.rawValue])
        #expect(agent.refusedClaimCount == 1)
    }

    @Test func aConfiguredEndpointTakesAnAddressFromAGleanedOne() {
        var agent = core()
        // Gleaned first on port 2; then the orchestrator configures the address on port 1.
        _ = agent.handlePacketIn(Self.arp(from: Self.intruder), bridge: "br0", at: .now)
        #expect(Self.addresses(agent, Self.intruder) == [Self.ip])
        agent.setPorts(.init(ports: [1: vni, 2: vni], endpoints: [Self.configured]), bridge: "br0")
        #expect(Self.addresses(agent, Self.intruder) == [])
        #expect(Self.answerers(&agent) == [Self.holder.rawValue])
        #expect(agent.refusedClaimCount == 1)
    }
}
