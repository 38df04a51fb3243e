/// Instructions and actions as an operator reads them, in Open vSwitch's
/// spellings (`goto_table:30`, `apply_actions(set_field:0xa->tun_id,
/// output:100)`), written by hand rather than by reflection: the admin
/// API's flow views print one such text per flow, for hundreds of
/// thousands of flows.
extension Instruction: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .gotoTable(table): "goto_table:\(table)"
        case let .writeMetadata(value, mask): "write_metadata:" + hex(value) + (mask == .max ? "" : "/" + hex(mask))
        case let .writeActions(actions): "write_actions(" + actions.map(\.description).joined(separator: ",") + ")"
        case let .applyActions(actions): "apply_actions(" + actions.map(\.description).joined(separator: ",") + ")"
        case .clearActions: "clear_actions"
        case let .meter(id): "meter:\(id)"
        case let .experimenter(id, body): "experimenter(id=\(hex(UInt64(id))),\(body.readableBytes) octets)"
        case let .unknown(type, body): "instruction(type=\(type),\(body.readableBytes) octets)"
        }
    }
}

extension Action: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .output(port, maxLength):
            switch port {
            case OpenFlowPort.controller: "CONTROLLER:\(maxLength)"
            case OpenFlowPort.inPort: "IN_PORT"
            case OpenFlowPort.table: "TABLE"
            case OpenFlowPort.normal: "NORMAL"
            case OpenFlowPort.flood: "FLOOD"
            case OpenFlowPort.all: "ALL"
            case OpenFlowPort.local: "LOCAL"
            default: "output:\(port)"
            }
        case .copyTTLOut: "copy_ttl_out"
        case .copyTTLIn: "copy_ttl_in"
        case let .setMPLSTTL(ttl): "set_mpls_ttl(\(ttl))"
        case .decMPLSTTL: "dec_mpls_ttl"
        case let .pushVLAN(etherType): "push_vlan:" + hex(UInt64(etherType))
        case .popVLAN: "pop_vlan"
        case let .pushMPLS(etherType): "push_mpls:" + hex(UInt64(etherType))
        case let .popMPLS(etherType): "pop_mpls:" + hex(UInt64(etherType))
        case let .setQueue(queue): "set_queue:\(queue)"
        case let .group(group): "group:\(group)"
        case let .setNetworkTTL(ttl): "set_nw_ttl:\(ttl)"
        case .decNetworkTTL: "dec_ttl"
        case let .setField(field): "set_field:" + field.valueText + "->" + field.name
        case let .pushPBB(etherType): "push_pbb:" + hex(UInt64(etherType))
        case .popPBB: "pop_pbb"
        case let .nicira(action): action.description
        case let .experimenter(id, body): "experimenter(id=\(hex(UInt64(id))),\(body.readableBytes) octets)"
        case let .unknown(type, body): "action(type=\(type),\(body.readableBytes) octets)"
        }
    }
}

extension NiciraAction: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .resubmit(inPort): "resubmit:\(inPort)"
        case let .resubmitTable(inPort, table): "resubmit(\(inPort == 0xfff8 ? "" : "\(inPort)"),\(table))"
        case let .regMove(bits, sourceOffset, destinationOffset, source, destination):
            "move:" + bitRange(source.name, sourceOffset, bits) + "->" + bitRange(destination.name, destinationOffset, bits)
        case let .regLoad(offset, bits, destination, value): "load:" + hex(value) + "->" + bitRange(destination.name, offset, bits)
        case let .regLoad2(field): "set_field:" + field.valueText + "->" + field.name
        case let .controller(maxLength, controllerID, reason): "controller(max_len=\(maxLength),id=\(controllerID),reason=\(reason))"
        case let .controller2(controller):
            "controller(" + [controller.maxLength.map { "max_len=\($0)" }, controller.controllerID.map { "id=\($0)" },
                             controller.reason.map { "reason=\($0)" }, controller.userdata.map { "userdata=\($0.count) octets" },
                             controller.pause ? "pause" : nil, controller.meterID.map { "meter_id=\($0)" }]
                .compactMap { $0 }.joined(separator: ",") + ")"
        case let .other(subtype, body): "nicira(subtype=\(subtype),\(body.readableBytes) octets)"
        }
    }
}

extension OXMField {
    /// The value (and `/mask` when masked) as Open vSwitch writes it: six
    /// octets as a MAC, an IPv4 field's four as a dotted quad, other values
    /// up to eight octets as a hex number, longer ones as hex octets.
    public var valueText: String {
        let dotted = value.count == 4 && Self.addressNames.contains(name)
        return Self.text(value, dotted: dotted) + (mask.map { "/" + Self.text($0, dotted: dotted) } ?? "")
    }

    private static let addressNames: Set<String> = ["ipv4_src", "ipv4_dst", "arp_spa", "arp_tpa", "nxm_of_arp_spa",
                                                    "nxm_of_arp_tpa", "tun_ipv4_src", "tun_ipv4_dst"]

    private static func text(_ octets: [UInt8], dotted: Bool) -> String {
        if dotted { return octets.map { String($0) }.joined(separator: ".") }
        if octets.count == 6 || octets.count > 8 {
            return octets.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
        }
        return hex(octets.reduce(0) { $0 << 8 | UInt64($1) })
    }
}

private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

/// `NAME[first..last]`, or `NAME[]` for none of it.
private func bitRange(_ name: String, _ offset: UInt16, _ bits: UInt16) -> String {
    bits == 0 ? "\(name)[]" : "\(name)[\(offset)..\(Int(offset) + Int(bits) - 1)]"
}
