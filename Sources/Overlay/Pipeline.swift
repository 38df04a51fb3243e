import OpenFlow
import OpenFlowTables
import Packets

/// The flows a bridge needs, as a pure function of its `BridgeState`. The
/// controller reconciles the switch to this set by diff; nothing here talks
/// to a switch.
///
/// The tables (`PipelineTable`) and the priorities of their flows
/// (`FlowPriority`) are declared by name, each with what it does.
///
/// Traffic from the tunnel goes from classify straight to forward: remote
/// hosts never need their ARP answered here, and a frame that came from a
/// tunnel never goes back into one (OVS does not output to the in_port).
/// The flows that send address resolution to the controller go through
/// `AddressResolutionMeter` when the state sets a rate.
public enum Pipeline {
    /// The tables' numbers, from their declarations.
    public enum Table {
        public static let classify = PipelineTable.classify.id
        public static let source = PipelineTable.source.id
        public static let addressResolution = PipelineTable.addressResolution.id
        public static let neighborAdvertisement = PipelineTable.neighborAdvertisement.id
        public static let forward = PipelineTable.forward.id
    }

    /// Bytes of a packet-in: enough for ARP and neighbour discovery.
    public static let packetInLength: UInt16 = 128

    /// The flows with the groups and meters they use.
    public static func tables(for state: BridgeState) -> SwitchTables {
        SwitchTables(flows: flows(for: state), groups: groups(for: state), meters: meters(for: state))
    }

    /// Two flood groups per tenant in ingress-replication mode.
    public static func groups(for state: BridgeState) -> GroupTable {
        var table = GroupTable()
        for vni in state.replicatedVNIs {
            for group in FloodGroup.allCases {
                table.insert(group.entry(vni, localPorts: state.ports(of: vni),
                                         remoteVTEPs: state.ingressReplication[vni] ?? [], vxlanPort: state.vxlanPort))
            }
        }
        return table
    }

    public static func meters(for state: BridgeState) -> MeterTable {
        guard let rate = state.addressResolutionRate else { return MeterTable([]) }
        let gleaning = state.localVNIs.indices.prefix(GleaningMeter.count).map { GleaningMeter.entry(index: $0, packetsPerSecond: rate) }
        return MeterTable([AddressResolutionMeter.entry(packetsPerSecond: rate)] + gleaning)
    }

    /// Every flow of the bridge: the reference that `BridgeFlows`, which
    /// keeps them incrementally, must always equal.
    public static func flows(for state: BridgeState) -> FlowTable {
        var table = baseFlows(for: state)
        let localVNIs = Set(state.localVNIs)
        // Endpoints of tenants present here, in a stable order; local ones
        // last, so that where a local and a remote endpoint claim one IP
        // (a move in progress) the local one answers.
        let endpoints = state.endpoints.values
            .filter { includes($0, ports: state.ports, localVNIs: localVNIs) }
            .sorted { rank($0) < rank($1) }
        let metered = state.addressResolutionRate != nil
        for endpoint in endpoints {
            if case let .local(port) = endpoint.location {
                for flow in sourceFlows(endpoint, port: port, state: state) { table.insert(flow) }
            }
            for ip in endpoint.ipv4 {
                table.insert(arpResponder(endpoint, ip))
                if case let .local(port) = endpoint.location {
                    table.insert(arpFromOwner(vni: endpoint.vni, port: port, ip: ip, metered: metered))
                }
            }
            for ip in endpoint.ipv6 { table.insert(ndResponder(endpoint, ip)) }
            table.insert(forward(endpoint, vxlanPort: state.vxlanPort))
        }
        return table
    }

    /// Where two endpoints claim one IP, the higher rank answers its ARP:
    /// local over remote (a move in progress), then the larger key.
    static func rank(_ endpoint: Endpoint) -> (Int, EndpointKey) { (endpoint.location.isLocal ? 1 : 0, endpoint.key) }

    /// The flows that belong to no endpoint: per port, per tenant, and each
    /// table's miss. Their keys never meet an endpoint's flows' keys.
    public static func baseFlows(for state: BridgeState) -> FlowTable {
        var table = FlowTable()
        let vnis = state.localVNIs
        let replicated = Set(state.replicatedVNIs)
        // The meter instruction comes first: OVS lists instructions in
        // execution order, and a dump must compare equal to what we want.
        let meter: [Instruction] = state.addressResolutionRate == nil ? [] : [.meter(AddressResolutionMeter.id)]
        // In a replicating tenant, unanswered address resolution is flooded too
        // (a silent host is found as on a plain switch).
        func toControllerThen(_ vni: VNI) -> [Instruction] {
            meter + [toController] + (replicated.contains(vni) ? [.gotoTable(Table.forward)] : [])
        }

        // Table 0: classify.
        for (port, vni) in state.ports.sorted(by: { $0.key < $1.key }) {
            table.insert(FlowEntry(
                .tenantPort, match: Match([OXMField(.inPort, UInt64(port))]),
                cookie: FlowCookie(.classifyPort, vni: vni),
                instructions: [.writeMetadata(UInt64(vni.rawValue), mask: .max), .gotoTable(Table.source)]))
        }
        for vni in vnis {
            table.insert(FlowEntry(
                .tunnel,
                match: Match([OXMField(.inPort, UInt64(state.vxlanPort)), OXMField(.tunnelID, UInt64(vni.rawValue))]),
                cookie: FlowCookie(.classifyTunnel, vni: vni),
                instructions: [.writeMetadata(UInt64(vni.rawValue), mask: .max), .gotoTable(Table.forward)]))
        }
        table.insert(FlowEntry(.classifyMiss, cookie: FlowCookie(.classifyMiss), instructions: []))

        // Table 10: source check (per endpoint) and gleaning.
        table.insert(FlowEntry(
            .sourceUnknown, cookie: FlowCookie(.sourceUnknown),
            instructions: [.applyActions([.output(port: OpenFlowPort.controller, maxLength: packetInLength)]),
                           .gotoTable(Table.addressResolution)]))
        // Metered: each tenant's copies through its own meter (the copy
        // only: the controller action's meter, not a meter instruction,
        // which would drop the frame itself).
        if state.addressResolutionRate != nil {
            for (index, vni) in vnis.enumerated() {
                let copy = NXController2(maxLength: packetInLength, meterID: GleaningMeter.id(index: index))
                table.insert(FlowEntry(
                    .sourceUnknownMetered, match: Match([metadata(vni)]),
                    cookie: FlowCookie(.sourceUnknown, vni: vni),
                    instructions: [.applyActions([.nicira(.controller2(copy))]), .gotoTable(Table.addressResolution)]))
            }
        }
        // Port security: on a secured port, what no endpoint's flow let on is dropped.
        for port in state.securedPorts.sorted() {
            guard let vni = state.ports[port] else { continue }
            table.insert(FlowEntry(
                .securedPortDrop, match: Match([metadata(vni), OXMField(.inPort, UInt64(port))]),
                cookie: FlowCookie(.dropSpoofed, vni: vni), instructions: []))
        }

        // Table 20: ARP answered in OVS (per endpoint), the rest of address
        // resolution to the controller.
        for vni in vnis {
            table.insert(FlowEntry(
                .resolutionToController, match: Match([metadata(vni), ethType(.arp)]),
                cookie: FlowCookie(.arpToController, vni: vni), instructions: toControllerThen(vni)))
            table.insert(FlowEntry(
                .resolutionToController, match: Match(neighborSolicitation(vni)),
                cookie: FlowCookie(.neighborSolicitationToController, vni: vni),
                instructions: toControllerThen(vni)))
            // What the responder cannot answer: duplicate address detection
            // (from ::, answered to all-nodes, never to the owner itself) and
            // an NS without a source link-layer option (OVS would rewrite
            // bytes past its end). Above every responder.
            for field in [OXMField(.ipv6Src, bytes: IPv6Address.unspecified.bytes),
                          OXMField(.ipv6NDSLL, EthernetAddress.zero.rawValue)] {
                table.insert(FlowEntry(
                    .unanswerable, match: Match(neighborSolicitation(vni) + [field]),
                    cookie: FlowCookie(.neighborSolicitationToController, vni: vni),
                    instructions: toControllerThen(vni)))
            }
        }
        table.insert(FlowEntry(.addressResolutionMiss, cookie: FlowCookie(.addressResolutionMiss),
                               instructions: [.gotoTable(Table.forward)]))

        // Table 21: the NA of an NS answered in table 20 gets its target
        // link-layer address (the Ethernet source table 20 wrote) and goes back.
        table.insert(FlowEntry(
            .advertisementOut,
            match: Match([ethType(.ipv6), ipProto(.icmpv6),
                          OXMField(.icmpv6Type, UInt64(ICMPv6Packet.neighborAdvertisement)), OXMField(.icmpv6Code, 0)]),
            cookie: FlowCookie(.neighborAdvertisementOut),
            instructions: [.applyActions([move(48, .ofEthSrc, .nxNDTLL), .output(OpenFlowPort.inPort)])]))

        // Table 30: forward known unicast (per endpoint); drop and count the rest.
        for vni in vnis {
            let everywhere: [Instruction] = replicated.contains(vni)
                ? [.applyActions([.group(FloodGroup.everywhere.id(vni))])] : []
            let (broadcast, multicast, unknown): (FlowRole, FlowRole, FlowRole) = replicated.contains(vni)
                ? (.floodBroadcast, .floodMulticast, .floodUnknownUnicast)
                : (.dropBroadcast, .dropMulticast, .dropUnknownUnicast)
            table.insert(FlowEntry(
                .broadcast, match: Match([metadata(vni), OXMField(.ethDst, EthernetAddress.broadcast.rawValue)]),
                cookie: FlowCookie(broadcast, vni: vni), instructions: everywhere))
            table.insert(FlowEntry(
                .multicast, match: Match([metadata(vni), groupDestination]),
                cookie: FlowCookie(multicast, vni: vni), instructions: everywhere))
            table.insert(FlowEntry(
                .unknownUnicast, match: Match([metadata(vni)]),
                cookie: FlowCookie(unknown, vni: vni), instructions: everywhere))
            guard replicated.contains(vni) else { continue }
            // Split horizon: what the tunnel brings is for the local ports only
            // (the sender already copied it to every VTEP).
            let local: [Instruction] = [.applyActions([.group(FloodGroup.localPorts.id(vni))])]
            let fromTunnel = OXMField(.inPort, UInt64(state.vxlanPort))
            table.insert(FlowEntry(
                .multicastFromTunnel, match: Match([metadata(vni), fromTunnel, groupDestination]),
                cookie: FlowCookie(.floodFromTunnel, vni: vni), instructions: local))
            table.insert(FlowEntry(
                .unknownUnicastFromTunnel, match: Match([metadata(vni), fromTunnel]),
                cookie: FlowCookie(.floodFromTunnel, vni: vni), instructions: local))
        }
        table.insert(FlowEntry(.forwardMiss, cookie: FlowCookie(.forwardMiss), instructions: []))
        return table
    }

    // MARK: The flows of one endpoint

    /// Whether the pipeline gives `endpoint` flows on this bridge: its tenant
    /// has a port here, and a local endpoint sits on a port of its tenant.
    static func includes(_ endpoint: Endpoint, ports: [UInt32: VNI], localVNIs: Set<VNI>) -> Bool {
        guard localVNIs.contains(endpoint.vni) else { return false }
        if case let .local(port) = endpoint.location { return ports[port] == endpoint.vni }
        return true
    }

    /// Table 10: the flows of a local endpoint on its port.
    static func sourceFlows(_ endpoint: Endpoint, port: UInt32, state: BridgeState) -> [FlowEntry] {
        let metered = state.addressResolutionRate != nil
        var flows = [sourceKnown(endpoint, port: port)]
        if endpoint.ipv4.isEmpty { flows.append(sourceLearnAddress(endpoint, port: port, metered: metered)) }
        if endpoint.ipv6.isEmpty { flows.append(sourceLearnIPv6Address(endpoint, port: port, metered: metered)) }
        if state.securedPorts.contains(port) { flows += sourceGuard(endpoint, port: port) }
        return flows
    }

    /// Table 10, port security: an endpoint with known IPv4 addresses sends
    /// ARP only as itself (sender MAC its own, sender IP one of them, or
    /// 0.0.0.0 for an RFC 5227 probe) and IPv4 only from them (or a DHCP
    /// discover from 0.0.0.0); one with known IPv6 addresses sends IPv6 only
    /// from them, a link-local address, or :: (duplicate address
    /// detection). The rest of that family is dropped. A family without
    /// known addresses is not checked (the MAC is).
    static func sourceGuard(_ endpoint: Endpoint, port: UInt32) -> [FlowEntry] {
        let own = [metadata(endpoint.vni), OXMField(.inPort, UInt64(port)), OXMField(.ethSrc, endpoint.mac.rawValue)]
        func allow(_ fields: [OXMField]) -> FlowEntry {
            FlowEntry(.sourceAllowed, match: Match(own + fields),
                      cookie: FlowCookie(.sourceAllowed, vni: endpoint.vni), instructions: [.gotoTable(Table.addressResolution)])
        }
        func drop(_ type: EtherType) -> FlowEntry {
            FlowEntry(.spoofDrop, match: Match(own + [ethType(type)]),
                      cookie: FlowCookie(.dropSpoofed, vni: endpoint.vni), instructions: [])
        }
        var flows: [FlowEntry] = []
        if !endpoint.ipv4.isEmpty {
            let arp = ethType(.arp), ipv4 = ethType(.ipv4)
            for ip in endpoint.ipv4 + [IPv4Address(rawValue: 0)] {
                flows.append(allow([arp, OXMField(.arpSPA, UInt64(ip.rawValue)), OXMField(.arpSHA, endpoint.mac.rawValue)]))
            }
            for ip in endpoint.ipv4 { flows.append(allow([ipv4, OXMField(.ipv4Src, UInt64(ip.rawValue))])) }
            flows.append(allow([ipv4, ipProto(.udp), OXMField(.ipv4Src, 0),
                                OXMField(.ipv4Dst, UInt64(UInt32.max)), OXMField(.udpSrc, 68), OXMField(.udpDst, 67)]))
            flows += [drop(.arp), drop(.ipv4)]
        }
        if !endpoint.ipv6.isEmpty {
            let ipv6 = ethType(.ipv6)
            for ip in endpoint.ipv6 + [IPv6Address.unspecified] { flows.append(allow([ipv6, OXMField(.ipv6Src, bytes: ip.bytes)])) }
            let linkLocal = IPv6Address(high: 0xfe80_0000_0000_0000, low: 0), prefix10 = IPv6Address(high: 0xffc0_0000_0000_0000, low: 0)
            flows.append(allow([ipv6, OXMField(.ipv6Src, bytes: linkLocal.bytes, mask: prefix10.bytes)]))
            flows.append(drop(.ipv6))
        }
        return flows
    }

    /// Table 10: a known (port, MAC) goes on.
    static func sourceKnown(_ endpoint: Endpoint, port: UInt32) -> FlowEntry {
        FlowEntry(
            .sourceKnown,
            match: Match([metadata(endpoint.vni), OXMField(.inPort, UInt64(port)), OXMField(.ethSrc, endpoint.mac.rawValue)]),
            cookie: FlowCookie(.sourceKnown, vni: endpoint.vni),
            instructions: [.gotoTable(Table.addressResolution)])
    }

    /// Table 10: the ARP of a local endpoint whose IPv4 address is not known
    /// (it was gleaned from other traffic, or configured without one) goes
    /// on to be answered, and a copy to the controller, which learns its
    /// address: else, answered inside OVS, it would never tell it.
    static func sourceLearnAddress(_ endpoint: Endpoint, port: UInt32, metered: Bool) -> FlowEntry {
        FlowEntry(
            .sourceLearnAddress,
            match: Match([metadata(endpoint.vni), OXMField(.inPort, UInt64(port)), OXMField(.ethSrc, endpoint.mac.rawValue),
                          ethType(.arp)]),
            cookie: FlowCookie(.sourceLearnAddress, vni: endpoint.vni),
            instructions: (metered ? [.meter(AddressResolutionMeter.id)] : []) + [toController, .gotoTable(Table.addressResolution)])
    }

    /// Table 10: the neighbour solicitations of a local endpoint whose IPv6
    /// address is not known go on to be answered, and a copy to the
    /// controller, which learns the address from their source.
    static func sourceLearnIPv6Address(_ endpoint: Endpoint, port: UInt32, metered: Bool) -> FlowEntry {
        FlowEntry(
            .sourceLearnAddress,
            match: Match([OXMField(.inPort, UInt64(port)), OXMField(.ethSrc, endpoint.mac.rawValue)]
                         + neighborSolicitation(endpoint.vni)),
            cookie: FlowCookie(.sourceLearnAddress, vni: endpoint.vni),
            instructions: (metered ? [.meter(AddressResolutionMeter.id)] : []) + [toController, .gotoTable(Table.addressResolution)])
    }

    /// Table 20: the owner asking for its own address (gratuitous ARP,
    /// duplicate-address probe) must not be answered: it would see a
    /// conflict. The controller gleans it instead.
    static func arpFromOwner(vni: VNI, port: UInt32, ip: IPv4Address, metered: Bool) -> FlowEntry {
        FlowEntry(
            .unanswerable,
            match: Match([metadata(vni), OXMField(.inPort, UInt64(port)), ethType(.arp),
                          OXMField(.arpTPA, UInt64(ip.rawValue))]),
            cookie: FlowCookie(.arpFromOwner, vni: vni),
            instructions: (metered ? [.meter(AddressResolutionMeter.id)] : []) + [toController])
    }

    /// Table 30: the endpoint's MAC to its local port, or into the tunnel to its VTEP.
    static func forward(_ endpoint: Endpoint, vxlanPort: UInt32) -> FlowEntry {
        let actions: [Action]
        let role: FlowRole
        switch endpoint.location {
        case let .local(port):
            actions = [.output(port)]
            role = .forwardLocal
        case let .remote(vtep):
            actions = [.setField(OXMField(.tunnelID, UInt64(endpoint.vni.rawValue))),
                       .setField(vtep.tunnelDestination),
                       .output(vxlanPort)]
            role = .forwardRemote
        }
        return FlowEntry(
            .endpoint, match: Match([metadata(endpoint.vni), OXMField(.ethDst, endpoint.mac.rawValue)]),
            cookie: FlowCookie(role, vni: endpoint.vni), instructions: [.applyActions(actions)])
    }

    /// An Ethernet destination with the group bit set: broadcast and multicast.
    static let groupDestination = OXMField(.ethDst, EthernetAddress.groupBit.rawValue, mask: EthernetAddress.groupBit.rawValue)

    static func ethType(_ type: EtherType) -> OXMField { OXMField(.ethType, UInt64(type.rawValue)) }

    static func ipProto(_ proto: IPProtocol) -> OXMField { OXMField(.ipProto, UInt64(proto.rawValue)) }

    static let toController = Instruction.applyActions([.output(port: OpenFlowPort.controller, maxLength: packetInLength)])

    static func metadata(_ vni: VNI) -> OXMField { OXMField(.metadata, UInt64(vni.rawValue)) }

    /// Turns an ARP request for `ip` into the reply from `endpoint`, inside
    /// OVS, and sends it back out of the port it came in on. Plain OpenFlow
    /// 1.3 set_field writes constants only; copying the asker's addresses into
    /// the reply takes the Nicira register move.
    static func arpResponder(_ endpoint: Endpoint, _ ip: IPv4Address) -> FlowEntry {
        let mac = endpoint.mac.rawValue
        return FlowEntry(
            .responder,
            match: Match([metadata(endpoint.vni), ethType(.arp), OXMField(.arpOp, UInt64(ARPOperation.request.rawValue)),
                          OXMField(.arpTPA, UInt64(ip.rawValue))]),
            cookie: FlowCookie(.arpResponder, vni: endpoint.vni),
            instructions: [.applyActions([
                move(48, .ofEthSrc, .ofEthDst),
                .setField(OXMField(.ethSrc, mac)),
                .setField(OXMField(.arpOp, UInt64(ARPOperation.reply.rawValue))),
                move(48, .nxARPSHA, .nxARPTHA),
                move(32, .ofARPSPA, .ofARPTPA),
                .setField(OXMField(.arpSHA, mac)),
                .setField(OXMField(.arpSPA, UInt64(ip.rawValue))),
                .output(OpenFlowPort.inPort),
            ])])
    }

    /// Turns a neighbour solicitation for `ip` into the advertisement from
    /// `endpoint` (RFC 4861 §7.2.4: to the asker, solicited and override set)
    /// inside OVS. OVS accepts a write of the target link-layer option only
    /// where the match says advertisement, so table 21 finishes it; OVS
    /// recomputes the ICMPv6 checksum. The asker's source link-layer option
    /// becomes the target one (the flows above send an NS without it to the
    /// controller); the hop limit stays 255.
    static func ndResponder(_ endpoint: Endpoint, _ ip: IPv6Address) -> FlowEntry {
        let flags = NeighborAdvertisement(target: ip, isSolicited: true, isOverride: true).flags
        return FlowEntry(
            .responder,
            match: Match(neighborSolicitation(endpoint.vni) + [OXMField(.icmpv6Code, 0),
                                                               OXMField(.ipv6NDTarget, bytes: ip.bytes)]),
            cookie: FlowCookie(.ndResponder, vni: endpoint.vni),
            instructions: [
                .applyActions([
                    move(48, .ofEthSrc, .ofEthDst),
                    .setField(OXMField(.ethSrc, endpoint.mac.rawValue)),
                    move(128, .nxIPv6Src, .nxIPv6Dst),
                    .setField(OXMField(.ipv6Src, bytes: ip.bytes)),
                    .setField(OXMField(.icmpv6Type, UInt64(ICMPv6Packet.neighborAdvertisement))),
                    .setField(.neighborDiscoveryReserved(flags)),
                    .setField(.neighborDiscoveryOptionsType(NeighborDiscoveryOptions.targetLinkLayerAddressType)),
                ]),
                .gotoTable(Table.neighborAdvertisement),
            ])
    }

    /// The match of a tenant's neighbour solicitations.
    static func neighborSolicitation(_ vni: VNI) -> [OXMField] {
        [metadata(vni), ethType(.ipv6), ipProto(.icmpv6), OXMField(.icmpv6Type, UInt64(ICMPv6Packet.neighborSolicitation))]
    }

    /// NXAST_REG_MOVE of a whole field: OpenFlow 1.3 set_field writes constants only.
    static func move(_ bits: UInt16, _ source: NXMField, _ destination: NXMField) -> Action {
        .nicira(.regMove(bits: bits, sourceOffset: 0, destinationOffset: 0, source: source.header, destination: destination.header))
    }
}

extension EndpointLocation {
    var isLocal: Bool {
        if case .local = self { return true }
        return false
    }
}
