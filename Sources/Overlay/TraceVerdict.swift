import Packets

/// One place a traced packet leaves the bridge.
public enum TraceOutput: Hashable, Sendable, CustomStringConvertible {
    /// Out of a local port.
    case local(port: UInt32)
    /// Back out of the port it came in on as an ARP reply: `ip` is at `mac`.
    case arpReply(mac: EthernetAddress, ip: IPv4Address, port: UInt32)
    /// Into the VXLAN port with this tunnel id, towards this VTEP.
    case tunnel(vni: UInt64, vtep: VTEP, port: UInt32)
    /// To the controller (the agent), by the flow with this role.
    case controller(FlowRole?)

    public var description: String {
        switch self {
        case let .local(port): "output to local port \(port)"
        case let .arpReply(mac, ip, port): "answered by the ARP responder: \(ip) is-at \(mac), out port \(port)"
        case let .tunnel(vni, vtep, port): "into VXLAN VNI \(vni) towards VTEP \(vtep) (port \(port))"
        case let .controller(role): "to the controller" + (role.map { " (\($0))" } ?? "")
        }
    }
}

/// What became of a traced packet, in one line.
public enum TraceVerdict: Hashable, Sendable, CustomStringConvertible {
    /// Exactly one output (besides copies to the controller).
    case output(TraceOutput)
    /// Several outputs: a flood group's buckets.
    case flooded([TraceOutput])
    /// Only to the controller: the agent answers or gleans it.
    case controller(FlowRole?)
    /// No output; the flow that dropped it (nil: a table without a matching flow).
    case dropped(by: FlowRole?, vni: VNI?)

    public var description: String {
        switch self {
        case let .output(output): output.description
        case let .flooded(outputs): "flooded: " + outputs.map(\.description).joined(separator: "; ")
        case let .controller(role): "to the controller" + (role.map { " (\($0))" } ?? "")
        case let .dropped(role, vni):
            switch role {
            case .dropBroadcast?: "dropped as broadcast (counted in VNI \(vni.map(\.description) ?? "-"))"
            case .dropMulticast?: "dropped as multicast (counted in VNI \(vni.map(\.description) ?? "-"))"
            case .dropUnknownUnicast?: "dropped as unknown unicast (counted in VNI \(vni.map(\.description) ?? "-"))"
            case .classifyMiss?: "dropped: the port belongs to no tenant (classify-miss)"
            case let role?: "dropped (\(role))"
            case nil: "dropped: no flow matched"
            }
        }
    }

    /// A short name for scripts: arp-reply, local, tunnel, flood, controller, drop.
    public var kind: String {
        switch self {
        case .output(.local): "local"
        case .output(.arpReply): "arp-reply"
        case .output(.tunnel): "tunnel"
        case .output(.controller), .controller: "controller"
        case .flooded: "flood"
        case .dropped: "drop"
        }
    }

    /// The verdict of these outputs; `last` is the role of the last flow that matched.
    init(outputs: [TraceOutput], last: FlowCookie?) {
        let delivered = outputs.filter { if case .controller = $0 { false } else { true } }
        if delivered.count > 1 {
            self = .flooded(delivered)
        } else if let only = delivered.first {
            self = .output(only)
        } else if case let .controller(role)? = outputs.last {
            self = .controller(role)
        } else {
            self = .dropped(by: last?.role, vni: last?.vni)
        }
    }
}
