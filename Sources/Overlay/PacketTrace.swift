import OpenFlow
import OpenFlowTables
import Packets

/// One flow a traced packet hit.
public struct TraceStep: Hashable, Sendable {
    public var table: UInt8
    public var priority: UInt16
    public var cookie: UInt64
    /// The pipeline's role and VNI from the cookie (nil for a foreign flow).
    public var role: FlowCookie?
    public var match: Match
    /// The flow's instructions and actions as `ovs-ofctl` writes them.
    public var actions: [String]
}

/// The walk of one packet through a bridge's flows.
public struct TraceResult: Hashable, Sendable {
    public var packet: TracePacket
    public var steps: [TraceStep]
    public var outputs: [TraceOutput]
    public var verdict: TraceVerdict
}

/// Walks a packet through the wanted flows the way an OpenFlow 1.3 switch
/// does: in each table the highest-priority flow that matches, its
/// instructions in order (apply-actions at once, write-metadata, goto-table),
/// the action set at the end. Sans-I/O: the flows are the same values the
/// controller installs, so the answer is what the pipeline means, without
/// asking the switch (`ovs-appctl ofproto/trace` gives the switch's view).
public enum PacketTrace {
    /// Through the flows and groups the pipeline computes for `state`.
    public static func run(_ packet: TracePacket, in state: BridgeState) -> TraceResult {
        run(packet, flows: Pipeline.flows(for: state), groups: Pipeline.groups(for: state), vxlanPort: state.vxlanPort)
    }

    /// Through a wanted table: `vxlanPort` tells a tunnel output from a local one.
    public static func run(_ packet: TracePacket, flows: FlowTable, groups: GroupTable = GroupTable(), vxlanPort: UInt32) -> TraceResult {
        var walk = Walk(fields: packet.fields, inPort: packet.inPort, request: packet, vxlanPort: vxlanPort, groups: groups)
        // Tables by id, each sorted by priority (first inserted wins a tie, as the pipeline never relies on one).
        let tables = Dictionary(grouping: flows.entries.enumerated(), by: { $0.element.key.tableID }).mapValues { flows in
            flows.sorted { ($1.element.key.priority, $0.offset) < ($0.element.key.priority, $1.offset) }.map(\.element)
        }

        var table: UInt8? = 0
        var last: FlowCookie?
        var actionSet: [Action] = []
        while let id = table {
            table = nil
            // A table miss drops (OpenFlow 1.3 without a table-miss flow).
            guard let entry = tables[id]?.first(where: { walk.fields.matches($0.key.match) }) else { break }
            last = FlowCookie(cookie: entry.cookie)
            walk.flowRole = last?.role
            var text: [String] = []
            for instruction in entry.instructions {
                switch instruction {
                case let .applyActions(actions):
                    text += actions.map(Self.text)
                    walk.apply(actions)
                case let .writeActions(actions):
                    text.append("write_actions(" + actions.map(Self.text).joined(separator: ",") + ")")
                    actionSet += actions
                case .clearActions:
                    text.append("clear_actions")
                    actionSet = []
                case let .writeMetadata(value, mask):
                    text.append(mask == .max ? "write_metadata:0x\(hex(value))" : "write_metadata:0x\(hex(value))/0x\(hex(mask))")
                    let old = walk.fields[.basic(.metadata)] ?? 0
                    walk.fields[.basic(.metadata)] = old & ~mask | value & mask
                case let .meter(meter):
                    text.append("meter:\(meter)")
                case let .gotoTable(next):
                    text.append("goto_table:\(next)")
                    // OpenFlow only lets a flow go forward; anything else ends the walk.
                    if next > id { table = next }
                case let .experimenter(experimenter, _):
                    text.append("experimenter instruction 0x\(hex(UInt64(experimenter))) (not traced)")
                case let .unknown(type, _):
                    text.append("instruction type \(type) (not traced)")
                }
            }
            walk.steps.append(TraceStep(table: id, priority: entry.key.priority, cookie: entry.cookie, role: last,
                                        match: entry.key.match, actions: text.isEmpty ? ["drop"] : text))
        }
        walk.apply(actionSet)
        return TraceResult(packet: packet, steps: walk.steps, outputs: walk.outputs,
                           verdict: TraceVerdict(outputs: walk.outputs, last: last))
    }

    /// The state of one walk: the packet's fields as the actions change them.
    private struct Walk {
        var fields: TraceFields
        let inPort: UInt32
        let request: TracePacket
        let vxlanPort: UInt32
        let groups: GroupTable
        var flowRole: FlowRole?
        var steps: [TraceStep] = []
        var outputs: [TraceOutput] = []

        mutating func apply(_ actions: [Action]) {
            for action in actions {
                switch action {
                case let .output(port, _): output(port)
                case let .setField(field): fields.set(field)
                case let .nicira(.regMove(bits, sourceOffset, destinationOffset, source, destination)):
                    fields.move(bits: bits, from: source, offset: sourceOffset, to: destination, offset: destinationOffset)
                case let .nicira(.regLoad2(field)): fields.set(field)
                case .nicira(.controller), .nicira(.controller2): outputs.append(.controller(flowRole))
                case let .group(id):
                    // Type ALL: every bucket acts on its own copy of the packet.
                    guard let group = groups[id] else { continue }
                    for bucket in group.buckets {
                        var copy = self
                        copy.outputs = []
                        copy.apply(bucket.actions)
                        outputs += copy.outputs
                    }
                default:
                    continue
                }
            }
        }

        mutating func output(_ port: UInt32) {
            switch port {
            case OpenFlowPort.controller:
                outputs.append(.controller(flowRole))
            case OpenFlowPort.inPort:
                outputs.append(delivery(inPort))
            case inPort:
                // OpenFlow never sends a packet back where it came from unless told IN_PORT.
                return
            case ...OpenFlowPort.max:
                outputs.append(delivery(port))
            default:
                return
            }
        }

        func delivery(_ port: UInt32) -> TraceOutput {
            if port == vxlanPort, let vtep = fields.tunnelIPv6Destination.map(VTEP.v6)
                ?? fields[.tunnelIPv4Destination].map({ VTEP.v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: $0))) }) {
                return .tunnel(vni: fields[.basic(.tunnelID)] ?? 0, vtep: vtep, port: port)
            }
            if case .arpRequest = request.payload, fields[.basic(.arpOp)] == UInt64(ARPOperation.reply.rawValue),
               let mac = fields[.basic(.arpSHA)], let ip = fields[.basic(.arpSPA)] {
                return .arpReply(mac: EthernetAddress(rawValue: mac), ip: IPv4Address(rawValue: UInt32(truncatingIfNeeded: ip)), port: port)
            }
            return .local(port: port)
        }
    }

    /// An action as `ovs-ofctl dump-flows` writes it.
    static func text(_ action: Action) -> String {
        switch action {
        case let .output(port, maxLength):
            switch port {
            case OpenFlowPort.controller: "CONTROLLER:\(maxLength)"
            case OpenFlowPort.inPort: "IN_PORT"
            case OpenFlowPort.local: "LOCAL"
            default: "output:\(port)"
            }
        case let .setField(field): "set_field:\(fieldValue(field))->\(setFieldName(field))"
        case let .group(id): "group:\(id)"
        case let .nicira(.regMove(bits, sourceOffset, destinationOffset, source, destination)):
            "move:" + moveField(source, sourceOffset, bits) + "->" + moveField(destination, destinationOffset, bits)
        // Not used by the pipeline: Swift's own rendering.
        default: "\(action)"
        }
    }

    /// OVS's short names for the tunnel fields.
    private static func setFieldName(_ field: OXMField) -> String {
        switch field.name {
        case "tunnel_id": "tun_id"
        case "tun_ipv4_dst": "tun_dst"
        case "tun_ipv4_src": "tun_src"
        case let name: name
        }
    }

    /// `NXM_OF_ETH_SRC[]` for a whole field, `NXM_OF_ETH_SRC[0..15]` for part of one.
    private static func moveField(_ header: OXMHeader, _ offset: UInt16, _ bits: UInt16) -> String {
        let whole = offset == 0 && Int(bits) == (Int(header.length) - (header.hasMask ? Int(header.length) / 2 : 0)) * 8
        return header.name.uppercased() + (whole ? "[]" : "[\(offset)..\(offset &+ bits &- 1)]")
    }

    private static func fieldValue(_ field: OXMField) -> String {
        let value = field.integerValue ?? 0
        switch field.basic {
        case .ethSrc?, .ethDst?, .arpSHA?, .arpTHA?: return "\(EthernetAddress(rawValue: value))"
        case .ipv4Src?, .ipv4Dst?, .arpSPA?, .arpTPA?: return "\(IPv4Address(rawValue: UInt32(truncatingIfNeeded: value)))"
        case .arpOp?: return "\(value)"
        default:
            if NXMField.tunIPv4Dst.matches(field) {
                return "\(IPv4Address(rawValue: UInt32(truncatingIfNeeded: value)))"
            }
            if NXMField.tunIPv6Dst.matches(field), let address = IPv6Address(bytes: field.value) {
                return "\(address)"
            }
            return "0x" + hex(value)
        }
    }

    private static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
