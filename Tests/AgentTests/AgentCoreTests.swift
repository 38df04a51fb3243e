import Agent
import BGP
import NIOCore
import OpenFlow
import Overlay
import Packets
import Pcap
import Testing
import TestSupport

/// Shared with the other AgentCore suites (expiry, duplicate MACs).
/// Addresses of the captured fixtures (Fixtures/frames.manifest): a is
/// 02:00:00:00:00:01 192.168.0.1 fd00::1, b is 02:00:00:00:00:02 192.168.0.2 fd00::2.
let vni = VNI(rawValue: 10)!
let localVTEP = VTEP.v4(IPv4Address(10, 0, 0, 1))
let remoteVTEP = VTEP.v4(IPv4Address(10, 0, 0, 2))
let instance = EVPNInstance.automatic(vni: vni, asn: 65000)!
let macA = EthernetAddress(0x02, 0, 0, 0, 0, 0x01)
let macB = EthernetAddress(0x02, 0, 0, 0, 0, 0x02)
let ipA = IPv4Address(192, 168, 0, 1)
let ipB = IPv4Address(192, 168, 0, 2)

func core(ports: [UInt32: VNI] = [1: vni, 2: vni], endpoints: [Endpoint] = [],
          ingressReplication: Bool = false, maximumGleaned: Int = 4096, gleanedExpiry: Duration? = nil,
          duplicates: DuplicateMACDetector.Settings = .init()) -> AgentCore {
    var core = AgentCore(settings: .init(vtep: localVTEP, tenants: [.init(instance: instance, ingressReplication: ingressReplication)],
                                         vxlanPorts: ["br0": 100], maximumGleanedPerVNI: maximumGleaned,
                                         gleanedExpiry: gleanedExpiry, duplicateDetection: duplicates))
    core.setPorts(.init(ports: ports, endpoints: endpoints), bridge: "br0")
    return core
}

/// What a remote host advertises for `endpoint` (its own origination, as we would receive it).
func remoteRoutes(_ endpoint: Endpoint, vtep: VTEP = remoteVTEP, sequence: UInt32 = 0) -> [EVPNPath] {
    var local = endpoint
    local.location = .local(port: 9)
    return EVPNRoutes.advertisements(endpoints: [local], instances: [instance], vtep: vtep,
                                     mobility: sequence > 0 ? [local.key: sequence] : [:])
}

func packetIn(_ data: ByteBuffer, port: UInt32) -> PacketIn {
    PacketIn(totalLength: UInt16(data.readableBytes), reason: 0, tableID: 10, cookie: 0,
             match: Match([OXMField(.inPort, UInt64(port))]), data: data)
}

func fixture(_ name: String) throws -> [ByteBuffer] {
    try PcapReader.frames(path: Repository.fixtures.appendingPathComponent(name).path).map(\.data)
}

func mobility(_ path: EVPNPath) -> UInt32? {
    path.attributes.extendedCommunities.lazy.compactMap { community -> UInt32? in
        if case let .macMobility(_, sequence) = community { return sequence }
        return nil
    }.first
}

struct AgentCoreTests {
    @Test func bridgeStateHoldsLocalAndRemote() throws {
        let b = Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: .remote(vtep: remoteVTEP))
        var agent = core(endpoints: [Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))])
        agent.setReceivedRoutes(remoteRoutes(b), at: .now)
        let state = try #require(agent.bridgeState("br0"))
        #expect(state.vxlanPort == 100 && state.ports == [1: vni, 2: vni])
        #expect(state.endpoints[EndpointKey(vni: vni, mac: macA)]?.location == .local(port: 1))
        #expect(state.endpoints[EndpointKey(vni: vni, mac: macB)] == b)
        #expect(agent.bridgeState("br9") == nil)
    }

    /// Type 3 only for tenants that asked for ingress replication; type 2 per IP.
    @Test(arguments: [false, true])
    func advertisementsFollowFloodMode(_ replicate: Bool) {
        let agent = core(endpoints: [Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))],
                         ingressReplication: replicate)
        let types = agent.advertisements.map { path -> String in
            switch path.route {
            case .macIPAdvertisement: "2"
            case .inclusiveMulticastEthernetTag: "3"
            default: "?"
            }
        }
        #expect(types == (replicate ? ["2", "3"] : ["2"]))
        #expect(agent.advertisements.allSatisfy { $0.nextHop == localVTEP.address })
    }

    struct Move: Sendable, CustomTestStringConvertible {
        var remoteSequence: UInt32
        var expected: UInt32
        var testDescription: String { "remote \(remoteSequence) -> local \(expected)" }
    }

    /// RFC 7432 section 15: the MAC that appears here while a remote VTEP
    /// advertises it goes out with the remote's sequence + 1.
    @Test(arguments: [Move(remoteSequence: 0, expected: 1), Move(remoteSequence: 1, expected: 2),
                      Move(remoteSequence: 41, expected: 42)])
    func macMobilityOnMoveHere(_ move: Move) throws {
        var agent = core()
        agent.setReceivedRoutes(remoteRoutes(Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .remote(vtep: remoteVTEP)),
                                             sequence: move.remoteSequence), at: .now)
        #expect(agent.advertisements.isEmpty)
        agent.setPorts(.init(ports: [1: vni], endpoints: [Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))]),
                       bridge: "br0")
        let path = try #require(agent.advertisements.first)
        #expect(mobility(path) == move.expected)
        // The remote withdraws: the sequence stays (it never goes back).
        agent.setReceivedRoutes([], at: .now)
        #expect(agent.advertisements.first.flatMap(mobility) == move.expected)
        // The local side wins the MAC in the bridge.
        #expect(agent.bridgeState("br0")?.endpoints[EndpointKey(vni: vni, mac: macA)]?.location == .local(port: 1))
    }

    /// Two hosts configured with one MAC: each claims once (remote + 1) and
    /// then stays, instead of outbidding the other for ever; outbid, we
    /// withdraw (RFC 7432 section 15) and do not claim again.
    @Test func duplicateConfiguredMACSettles() throws {
        let here = Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))
        var agent = core(endpoints: [here])
        #expect(agent.advertisements.first.flatMap(mobility) == nil)
        agent.setReceivedRoutes(remoteRoutes(here, sequence: 0), at: .now)
        #expect(agent.advertisements.first.flatMap(mobility) == 1)
        // The other host claimed too, with 1 (a tie: our lower VTEP address keeps it), then 2:
        // we do not answer with 2, then 3.
        agent.setReceivedRoutes(remoteRoutes(here, sequence: 1), at: .now)
        #expect(agent.advertisements.first.flatMap(mobility) == 1)
        agent.setReceivedRoutes(remoteRoutes(here, sequence: 2), at: .now)
        #expect(agent.advertisements.isEmpty)
        #expect(agent.bridgeState("br0")?.endpoints[here.key]?.location == .local(port: 1))
    }

    /// RFC 7432 section 15: a VTEP that receives a route for a MAC it
    /// advertises, with a higher sequence, withdraws its own, also while the
    /// MAC's port is still here (the first place of a live migration, while
    /// the VM still runs there). A Linux/FRR VTEP kept the IP as a remote,
    /// unreplaceable neighbour for as long as we went on advertising it.
    /// The remote withdrawn, the MAC is ours alone again and is advertised.
    @Test func configuredMACOutbidWithdrawsItsRoutes() throws {
        let here = Endpoint(vni: vni, mac: macA, ipv4: [ipA], location: .local(port: 1))
        var agent = core(endpoints: [here])
        agent.setReceivedRoutes(remoteRoutes(here, sequence: 0), at: .now)
        #expect(agent.advertisements.count == 1 && agent.advertisements.first.flatMap(mobility) == 1)
        // It moves back there: MAC-only first (the remote knows no IP yet), sequence 2.
        var moved = here
        moved.ipv4 = []
        agent.setReceivedRoutes(remoteRoutes(moved, sequence: 2), at: .now)
        #expect(agent.advertisements.isEmpty, "\(agent.advertisements)")
        // The port stays here meanwhile: it is still delivered to locally.
        #expect(agent.bridgeState("br0")?.endpoints[here.key]?.location == .local(port: 1))
        // The remote withdraws: ours again, with the sequence we had.
        agent.setReceivedRoutes([], at: .now)
        #expect(agent.advertisements.count == 1 && agent.advertisements.first.flatMap(mobility) == 1)
    }

    /// A gleaned MAC later claimed by a remote VTEP with a higher sequence
    /// moved away: it is no longer local.
    @Test func gleanedMACMovesAway() throws {
        var agent = core()
        let frames = try fixture("icmp-echo.pcap")
        _ = agent.handlePacketIn(packetIn(frames[0], port: 1), bridge: "br0", at: .now)
        #expect(agent.localEndpoints.map(\.mac) == [macA])
        agent.setReceivedRoutes(remoteRoutes(Endpoint(vni: vni, mac: macA, location: .remote(vtep: remoteVTEP)), sequence: 5), at: .now)
        #expect(agent.localEndpoints.isEmpty)
        #expect(agent.bridgeState("br0")?.endpoints[EndpointKey(vni: vni, mac: macA)]?.location == .remote(vtep: remoteVTEP))
        // It comes back: seen here again, it claims sequence 6.
        #expect(agent.handlePacketIn(packetIn(frames[0], port: 1), bridge: "br0", at: .now).changed)
        #expect(agent.advertisements.first.flatMap(mobility) == 6)
        #expect(agent.bridgeState("br0")?.endpoints[EndpointKey(vni: vni, mac: macA)]?.location == .local(port: 1))
    }

    struct Replay: Sendable, CustomTestStringConvertible {
        var file: String
        var frame: Int
        var learnedMAC: EthernetAddress?
        var learnedIPv4: [IPv4Address]
        var learnedIPv6: [String]
        var testDescription: String { "\(file)#\(frame)" }
    }

    static let replays: [Replay] = [
        Replay(file: "arp-request-reply.pcap", frame: 0, learnedMAC: macA, learnedIPv4: [ipA], learnedIPv6: []),
        Replay(file: "arp-request-reply.pcap", frame: 1, learnedMAC: macB, learnedIPv4: [ipB], learnedIPv6: []),
        Replay(file: "arp-gratuitous.pcap", frame: 0, learnedMAC: EthernetAddress(0x02, 0, 0, 0, 0, 0x11),
               learnedIPv4: [ipA], learnedIPv6: []),
        Replay(file: "icmp-echo.pcap", frame: 0, learnedMAC: macA, learnedIPv4: [ipA], learnedIPv6: []),
        Replay(file: "ipv6-nd.pcap", frame: 0, learnedMAC: macA, learnedIPv4: [], learnedIPv6: ["fd00::1"]),
        // A DHCP discover comes from 0.0.0.0: the MAC alone is learned.
        Replay(file: "dhcp-discover.pcap", frame: 0, learnedMAC: EthernetAddress(0x02, 0, 0, 0, 0, 0x03),
               learnedIPv4: [], learnedIPv6: []),
    ]

    /// Captured frames as packet-ins from port 1: the endpoint gleaned.
    @Test(arguments: replays)
    func gleansFromCapturedFrames(_ replay: Replay) throws {
        var agent = core()
        let frames = try fixture(replay.file)
        let outcome = agent.handlePacketIn(packetIn(frames[replay.frame], port: 1), bridge: "br0", at: .now)
        #expect(outcome.learned?.mac == replay.learnedMAC)
        #expect(outcome.learned?.ipv4 == replay.learnedIPv4)
        #expect(outcome.learned?.ipv6 == replay.learnedIPv6.compactMap(IPv6Address.init))
        #expect(outcome.learned?.location == .local(port: 1))
        #expect(outcome.changed)
        // The same frame again teaches nothing new.
        #expect(agent.handlePacketIn(packetIn(frames[replay.frame], port: 1), bridge: "br0", at: .now).changed == false)
        #expect(agent.advertisements.count == max(1, replay.learnedIPv4.count + replay.learnedIPv6.count))
    }

    /// Frames from the VXLAN port or a port outside any tenant teach nothing.
    @Test(arguments: [UInt32(100), 7])
    func ignoresPortsOutsideTenants(_ port: UInt32) throws {
        var agent = core()
        let outcome = agent.handlePacketIn(packetIn(try fixture("arp-request-reply.pcap")[0], port: port), bridge: "br0", at: .now)
        #expect(outcome.learned == nil && outcome.reply == nil && !outcome.changed)
    }

    /// The captured ARP request for b, with b known (static or remote): the
    /// controller answers it; the reply decodes as b's ARP reply to a. A
    /// remote owner is found as the bridge's responders find it: in its
    /// flows as last taken (a switch sends packet-ins only once it has them).
    @Test(arguments: [EndpointLocation.local(port: 2), .remote(vtep: remoteVTEP)])
    func answersARPForKnownIP(_ location: EndpointLocation) throws {
        let b = Endpoint(vni: vni, mac: macB, ipv4: [ipB], location: location)
        var agent = core(endpoints: location == .local(port: 2) ? [b] : [])
        if case .remote = location {
            agent.setReceivedRoutes(remoteRoutes(b), at: .now)
            #expect(agent.handlePacketIn(packetIn(try fixture("arp-request-reply.pcap")[0], port: 1), bridge: "br0", at: .now).reply == nil,
                    "before the bridge's flows are taken, nothing to answer from")
            _ = agent.takeFlowUpdates()
        }
        let outcome = agent.handlePacketIn(packetIn(try fixture("arp-request-reply.pcap")[0], port: 1), bridge: "br0", at: .now)
        let reply = try #require(outcome.reply)
        #expect(reply.actions == [.output(1)])
        let frame = try DecodedFrame(decoding: reply.data)
        #expect(frame.ethernet.source == macB && frame.ethernet.destination == macA)
        guard case let .arp(arp)? = frame.network else { Issue.record("not ARP: \(frame)"); return }
        #expect(arp.operation == .reply)
        #expect(arp.senderHardwareAddress == macB && arp.senderProtocolAddress == ipB)
        #expect(arp.targetHardwareAddress == macA && arp.targetProtocolAddress == ipA)
    }

    @Test func unknownIPIsNotAnswered() throws {
        var agent = core(endpoints: [Endpoint(vni: vni, mac: macB, ipv4: [IPv4Address(192, 168, 0, 9)], location: .local(port: 2))])
        let outcome = agent.handlePacketIn(packetIn(try fixture("arp-request-reply.pcap")[0], port: 1), bridge: "br0", at: .now)
        #expect(outcome.reply == nil)
        #expect(outcome.learned?.mac == macA)
    }

    /// The same IP in another VNI does not answer.
    @Test func otherTenantIsNotAnswered() throws {
        let other = VNI(rawValue: 20)!
        var agent = core(ports: [1: vni, 2: other],
                         endpoints: [Endpoint(vni: other, mac: macB, ipv4: [ipB], location: .local(port: 2))])
        agent.reconfigure(.init(vtep: localVTEP, tenants: [.init(instance: instance),
                                                           .init(instance: .automatic(vni: other, asn: 65000)!)],
                                vxlanPorts: ["br0": 100]))
        let outcome = agent.handlePacketIn(packetIn(try fixture("arp-request-reply.pcap")[0], port: 1), bridge: "br0", at: .now)
        #expect(outcome.reply == nil)
    }

    /// The captured NS for fd00::2 with b known: a solicited NA from b to a.
    @Test func answersNeighborSolicition() throws {
        let b = Endpoint(vni: vni, mac: macB, ipv6: [IPv6Address("fd00::2")].compactMap { $0 }, location: .local(port: 2))
        var agent = core(endpoints: [b])
        let outcome = agent.handlePacketIn(packetIn(try fixture("ipv6-nd.pcap")[0], port: 1), bridge: "br0", at: .now)
        let reply = try #require(outcome.reply)
        #expect(reply.actions == [.output(1)])
        let frame = try DecodedFrame(decoding: reply.data)
        #expect(frame.ethernet.source == macB && frame.ethernet.destination == macA)
        guard case let .ipv6(ip)? = frame.network,
              case let .neighborDiscovery(.advertisement(na))? = frame.application
        else { Issue.record("not an NA: \(frame)"); return }
        #expect(ip.source == IPv6Address("fd00::2") && ip.destination == IPv6Address("fd00::1"))
        #expect(na.target == IPv6Address("fd00::2") && na.isSolicited && na.isOverride)
        #expect(na.options.targetLinkLayerAddress == macB)
    }

    /// A frame that does not decode is ignored, not a crash.
    @Test(arguments: [[UInt8](), [0x02, 0, 0], [UInt8](repeating: 0xff, count: 20)])
    func garbageIsIgnored(_ bytes: [UInt8]) {
        var agent = core()
        let outcome = agent.handlePacketIn(packetIn(ByteBuffer(bytes: bytes), port: 1), bridge: "br0", at: .now)
        #expect(outcome.reply == nil)
    }

    /// Gleaning is bounded (per VNI: `GleaningLimitTests`).
    @Test func gleaningIsBounded() {
        var agent = core(maximumGleaned: 64)
        for n in 0..<100 {
            let frame = FrameBuilder.arpRequest(senderHardwareAddress: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(n) + 1),
                                                senderAddress: IPv4Address(rawValue: 0x0a00_0000 | UInt32(n) + 1),
                                                target: IPv4Address(10, 255, 255, 254))
            _ = agent.handlePacketIn(packetIn(frame, port: 1), bridge: "br0", at: .now)
        }
        #expect(agent.localEndpoints.count == 64)
    }
}
