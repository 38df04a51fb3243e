import OpenFlow
import OpenFlowTables

/// One table of the pipeline, declared once: its number, its name and the
/// tables its flows may go on to. `Pipeline` builds every flow from a
/// `FlowPriority`, which names its table, so no flow writes a table number.
public struct PipelineTable: Sendable, Hashable, CustomStringConvertible {
    public let id: UInt8
    public let name: String
    /// The tables a flow here may go to (goto_table; OpenFlow allows only later ones).
    public let next: [UInt8]

    public var description: String { "table \(id) (\(name))" }

    /// Forward: (VNI, MAC) to a local port or into the tunnel; broadcast,
    /// multicast and unknown unicast dropped, each by a flow of its own per
    /// VNI so their counters tell what was kept off the network, or, in
    /// ingress-replication mode, sent to the tenant's `FloodGroup`.
    public static let forward = PipelineTable(id: 30, name: "forward", next: [])
    /// Neighbour advertisement: finishes the NA that address resolution made
    /// of an NS (its target link-layer option can only be written once the
    /// ICMPv6 type says advertisement) and sends it back out of its port.
    public static let neighborAdvertisement = PipelineTable(id: 21, name: "neighbor-advertisement", next: [])
    /// Address resolution: ARP requests and neighbour solicitations for a
    /// known IP answered inside OVS; the rest, and what the flows cannot
    /// answer, to the controller.
    public static let addressResolution = PipelineTable(id: 20, name: "address-resolution",
                                                        next: [neighborAdvertisement.id, forward.id])
    /// Source: a known (port, MAC) goes on; an unknown source is copied to
    /// the controller (gleaning) and goes on; on a secured port, spoofed
    /// sources and addresses are dropped.
    public static let source = PipelineTable(id: 10, name: "source", next: [addressResolution.id])
    /// Classify: a tenant port, or the VXLAN port with a known tunnel id,
    /// sets metadata = VNI; anything else is dropped.
    public static let classify = PipelineTable(id: 0, name: "classify", next: [source.id, forward.id])

    /// The tables in the order a packet meets them.
    public static let all: [PipelineTable] = [classify, source, addressResolution, neighborAdvertisement, forward]
}

/// A priority of the pipeline's flows, named for what the flows at it do,
/// with its table. Two meanings that share a number are two declarations.
public struct FlowPriority: Sendable, Hashable, CustomStringConvertible {
    public let table: PipelineTable
    public let value: UInt16
    public let name: String

    init(_ table: PipelineTable, _ value: UInt16, _ name: String) {
        self.table = table
        self.value = value
        self.name = name
    }

    public var description: String { "\(table.name)/\(name) (\(table.id), \(value))" }

    // Table 0, classify.
    /// A tenant port sets its VNI and goes to the source check.
    public static let tenantPort = FlowPriority(.classify, 100, "tenant-port")
    /// The VXLAN port with a known tunnel id sets that VNI and goes straight to forward.
    public static let tunnel = FlowPriority(.classify, 100, "tunnel")
    public static let classifyMiss = FlowPriority(.classify, 0, "miss")

    // Table 10, source.
    /// What no other source flow took: copied to the controller, then on.
    public static let sourceUnknown = FlowPriority(.source, 0, "unknown")
    /// The same per tenant, the copy through the tenant's gleaning meter.
    public static let sourceUnknownMetered = FlowPriority(.source, 1, "unknown-metered")
    /// A secured port: what no endpoint's flow let on is dropped.
    public static let securedPortDrop = FlowPriority(.source, 90, "secured-port")
    public static let sourceKnown = FlowPriority(.source, 100, "known")
    /// The ARP or NS of an endpoint whose address is not known: a copy to the controller, then on.
    public static let sourceLearnAddress = FlowPriority(.source, 101, "learn-address")
    /// Port security: the rest of an address family the endpoint may not send.
    public static let spoofDrop = FlowPriority(.source, 104, "spoofed")
    /// Port security: what the endpoint may send as itself.
    public static let sourceAllowed = FlowPriority(.source, 105, "allowed")

    // Table 20, address resolution.
    public static let addressResolutionMiss = FlowPriority(.addressResolution, 0, "miss")
    /// A tenant's ARP and NS that no responder answers go to the controller.
    public static let resolutionToController = FlowPriority(.addressResolution, 50, "to-controller")
    /// The ARP and ND responders of known addresses.
    public static let responder = FlowPriority(.addressResolution, 100, "responder")
    /// Above every responder: what a responder must not answer (the owner
    /// asking for its own address, duplicate address detection, an NS
    /// without a source link-layer option).
    public static let unanswerable = FlowPriority(.addressResolution, 110, "unanswerable")

    // Table 21, neighbour advertisement.
    public static let advertisementOut = FlowPriority(.neighborAdvertisement, 100, "out")

    // Table 30, forward.
    public static let forwardMiss = FlowPriority(.forward, 0, "miss")
    public static let unknownUnicast = FlowPriority(.forward, 10, "unknown-unicast")
    /// Ingress replication: unknown unicast from the tunnel, to the local ports only.
    public static let unknownUnicastFromTunnel = FlowPriority(.forward, 11, "unknown-unicast-from-tunnel")
    public static let multicast = FlowPriority(.forward, 40, "multicast")
    public static let broadcast = FlowPriority(.forward, 50, "broadcast")
    /// Ingress replication: broadcast and multicast from the tunnel, to the local ports only.
    public static let multicastFromTunnel = FlowPriority(.forward, 60, "multicast-from-tunnel")
    /// An endpoint's MAC.
    public static let endpoint = FlowPriority(.forward, 100, "endpoint")

    /// Every declared priority, table by table.
    public static let all: [FlowPriority] = [
        tenantPort, tunnel, classifyMiss,
        sourceUnknown, sourceUnknownMetered, securedPortDrop, sourceKnown, sourceLearnAddress, spoofDrop, sourceAllowed,
        addressResolutionMiss, resolutionToController, responder, unanswerable,
        advertisementOut,
        forwardMiss, unknownUnicast, unknownUnicastFromTunnel, multicast, broadcast, multicastFromTunnel, endpoint,
    ]
}

extension FlowEntry {
    /// A flow of the pipeline at a declared priority (and so in its table).
    init(_ priority: FlowPriority, match: Match = Match(), cookie: FlowCookie, instructions: [Instruction]) {
        self.init(tableID: priority.table.id, priority: priority.value, match: match, cookie: cookie.cookie,
                  instructions: instructions)
    }
}
