import Foundation
import NIOCore
import OpenFlow

/// Renders decoded messages in the shape of Ryu's JSON (class names, field
/// names, value formats) so a test can compare them with Ryu's expectations.
/// Only the message types the controller relies on are rendered; `render`
/// returns nil for the others.
enum RyuShape {
    /// Marks a dictionary whose keys are a subset of Ryu's: an extension this
    /// codec keeps opaque, compared only on its generic fields.
    static let subsetKey = "__subset__"

    static func render(_ envelope: OpenFlowEnvelope) -> [String: Any]? {
        switch envelope.message {
        case let .hello(hello):
            return ["OFPHello": ["elements": hello.elements.map { element -> Any in
                switch element {
                case let .versionBitmap(bitmaps):
                    return ["OFPHelloElemVersionBitmap": ["length": 4 + 4 * bitmaps.count, "type": 1,
                                                          "versions": (hello.versions ?? []).map { Int($0) }]]
                case let .unknown(type, body):
                    return ["type": Int(type), "length": 4 + body.readableBytes, subsetKey: true]
                }
            }]]
        case let .error(error):
            if let experimenter = error.experimenter {
                return ["OFPErrorMsg": ["code": NSNull(), "data": base64(error.data), "exp_type": Int(error.code),
                                        "experimenter": Int(experimenter), "type": Int(error.type)]]
            }
            return ["OFPErrorMsg": ["code": Int(error.code), "data": base64(error.data), "type": Int(error.type)]]
        case let .echoRequest(data): return ["OFPEchoRequest": ["data": base64(data)]]
        case let .echoReply(data): return ["OFPEchoReply": ["data": base64(data)]]
        case .featuresRequest: return ["OFPFeaturesRequest": [String: Any]()]
        case let .featuresReply(features):
            return ["OFPSwitchFeatures": ["auxiliary_id": Int(features.auxiliaryID), "capabilities": Int(features.capabilities),
                                          "datapath_id": NSNumber(value: features.datapathID.rawValue), "n_buffers": Int(features.nBuffers),
                                          "n_tables": Int(features.nTables)]]
        case let .setConfig(config): return ["OFPSetConfig": switchConfig(config)]
        case let .getConfigReply(config): return ["OFPGetConfigReply": switchConfig(config)]
        case .getConfigRequest: return ["OFPGetConfigRequest": [String: Any]()]
        case let .packetIn(packetIn):
            return ["OFPPacketIn": ["buffer_id": Int(packetIn.bufferID), "cookie": NSNumber(value: packetIn.cookie),
                                    "data": base64(packetIn.data), "match": match(packetIn.match), "reason": Int(packetIn.reason.rawValue),
                                    "table_id": Int(packetIn.tableID), "total_len": Int(packetIn.totalLength)]]
        case let .packetOut(packetOut):
            let actionsLength = packetOut.actions.reduce(0) { $0 + encodedLength($1) }
            return ["OFPPacketOut": ["actions": packetOut.actions.map(action), "actions_len": actionsLength,
                                     "buffer_id": Int(packetOut.bufferID), "data": base64(packetOut.data),
                                     "in_port": Int(packetOut.inPort)]]
        case let .portStatus(status):
            return ["OFPPortStatus": ["desc": port(status.port), "reason": Int(status.reason.rawValue)]]
        case let .flowMod(flowMod):
            return ["OFPFlowMod": ["buffer_id": Int(flowMod.bufferID), "command": Int(flowMod.command),
                                   "cookie": NSNumber(value: flowMod.cookie), "cookie_mask": NSNumber(value: flowMod.cookieMask),
                                   "flags": Int(flowMod.flags.rawValue), "hard_timeout": Int(flowMod.hardTimeout),
                                   "idle_timeout": Int(flowMod.idleTimeout), "instructions": flowMod.instructions.map(instruction),
                                   "match": match(flowMod.match), "out_group": Int(flowMod.outGroup),
                                   "out_port": Int(flowMod.outPort), "priority": Int(flowMod.priority),
                                   "table_id": Int(flowMod.tableID)]]
        case let .flowRemoved(removed):
            return ["OFPFlowRemoved": ["byte_count": NSNumber(value: removed.counters.byteCount), "cookie": NSNumber(value: removed.cookie),
                                       "duration_nsec": Int(removed.duration.nanoseconds), "duration_sec": Int(removed.duration.seconds),
                                       "hard_timeout": Int(removed.hardTimeout), "idle_timeout": Int(removed.idleTimeout),
                                       "match": match(removed.match), "packet_count": NSNumber(value: removed.counters.packetCount),
                                       "priority": Int(removed.priority), "reason": Int(removed.reason),
                                       "table_id": Int(removed.tableID)]]
        case .barrierRequest: return ["OFPBarrierRequest": [String: Any]()]
        case .barrierReply: return ["OFPBarrierReply": [String: Any]()]
        case let .roleRequest(role): return ["OFPRoleRequest": roleMessage(role)]
        case let .roleReply(role): return ["OFPRoleReply": roleMessage(role)]
        case let .multipartRequest(request):
            let head: [String: Any] = ["flags": Int(request.flags), "type": Int(request.type)]
            switch request.body {
            case .desc: return ["OFPDescStatsRequest": head]
            case .portDesc: return ["OFPPortDescStatsRequest": head]
            case let .flow(flow):
                return ["OFPFlowStatsRequest": head.merging([
                    "cookie": NSNumber(value: flow.cookie), "cookie_mask": NSNumber(value: flow.cookieMask),
                    "match": match(flow.match), "out_group": Int(flow.outGroup), "out_port": Int(flow.outPort),
                    "table_id": Int(flow.tableID),
                ]) { $1 }]
            default: return nil
            }
        case let .multipartReply(reply):
            let head: [String: Any] = ["flags": Int(reply.flags), "type": Int(reply.type)]
            switch reply.body {
            case let .desc(desc):
                let stats: [String: Any] = [
                    "dp_desc": desc.datapath.string, "hw_desc": desc.hardware.string, "mfr_desc": desc.manufacturer.string,
                    "serial_num": desc.serialNumber.string, "sw_desc": desc.software.string,
                ]
                return ["OFPDescStatsReply": head.merging(["body": ["OFPDescStats": stats] as [String: Any]]) { $1 }]
            case let .portDesc(ports):
                return ["OFPPortDescStatsReply": head.merging(["body": ports.map(port) as [Any]]) { $1 }]
            case let .flow(flows):
                return ["OFPFlowStatsReply": head.merging(["body": flows.map(flowStats) as [Any]]) { $1 }]
            default: return nil
            }
        default:
            return nil
        }
    }

    static func switchConfig(_ config: SwitchConfig) -> [String: Any] {
        ["flags": Int(config.flags), "miss_send_len": Int(config.missSendLength)]
    }

    static func roleMessage(_ role: RoleMessage) -> [String: Any] {
        ["generation_id": NSNumber(value: role.generationID), "role": Int(role.role)]
    }

    static func flowStats(_ stats: FlowStats) -> [String: Any] {
        var buffer = ByteBuffer()
        stats.match.encode(into: &buffer)
        for instruction in stats.instructions { instruction.encode(into: &buffer) }
        return ["OFPFlowStats": [
            "byte_count": NSNumber(value: stats.counters.byteCount), "cookie": NSNumber(value: stats.cookie),
            "duration_nsec": Int(stats.duration.nanoseconds), "duration_sec": Int(stats.duration.seconds),
            "flags": Int(stats.flags.rawValue), "hard_timeout": Int(stats.hardTimeout), "idle_timeout": Int(stats.idleTimeout),
            "instructions": stats.instructions.map(instruction), "length": 48 + buffer.readableBytes,
            "match": match(stats.match), "packet_count": NSNumber(value: stats.counters.packetCount),
            "priority": Int(stats.priority), "table_id": Int(stats.tableID),
        ]]
    }

    static func port(_ port: PortDescription) -> [String: Any] {
        let fields: [String: Any] = [
            "advertised": Int(port.advertised), "config": Int(port.config), "curr": Int(port.current),
            "curr_speed": Int(port.currentSpeed), "hw_addr": port.hardwareAddress.description,
            "max_speed": Int(port.maxSpeed), "name": port.name.string, "peer": Int(port.peer),
            "port_no": Int(port.portNo), "state": Int(port.state), "supported": Int(port.supported),
        ]
        return ["OFPPort": fields]
    }

    static func match(_ match: Match) -> [String: Any] {
        ["OFPMatch": ["length": 4 + match.oxmBytes.readableBytes, "oxm_fields": match.fields.map(oxm), "type": 1]]
    }

    static func oxm(_ field: OXMField) -> [String: Any] {
        // ONF experimenter fields carry a 16-bit exp_type before the value.
        if field.oxmClass == OXMClass.experimenter, field.experimenter == 0x4f4e_4600, field.value.count == 3,
           field.value[0] == 0x0a, field.value[1] == 0x00 {
            return ["OXMTlv": ["field": "pbb_uca", "mask": NSNull(), "value": Int(field.value[2])]]
        }
        let name = field.name
        return ["OXMTlv": ["field": name, "mask": field.mask.map { format(name, $0) } ?? NSNull(), "value": format(name, field.value)]]
    }

    /// Ryu prints Ethernet and IP addresses as text, everything else as integers.
    static func format(_ name: String, _ bytes: [UInt8]) -> Any {
        switch name {
        case "eth_dst", "eth_src", "arp_sha", "arp_tha", "ipv6_nd_sll", "ipv6_nd_tll":
            return bytes.map { String(format: "%02x", $0) }.joined(separator: ":")
        case "ipv4_src", "ipv4_dst", "arp_spa", "arp_tpa", "tun_ipv4_src", "tun_ipv4_dst":
            return bytes.map(String.init).joined(separator: ".")
        case "ipv6_src", "ipv6_dst", "ipv6_nd_target":
            return ipv6(bytes)
        default:
            return NSNumber(value: bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
    }

    /// RFC 5952 text: lower case, longest run of zero groups (two or more) as "::".
    static func ipv6(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return "" }
        let groups = (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) }
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (i, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let text = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return text.joined(separator: ":") }
        let head = text[..<best.start].joined(separator: ":")
        let tail = text[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    static func encodedLength(_ action: Action) -> Int {
        var buffer = ByteBuffer()
        action.encode(into: &buffer)
        return buffer.readableBytes
    }

    static func instruction(_ instruction: Instruction) -> [String: Any] {
        var buffer = ByteBuffer()
        instruction.encode(into: &buffer)
        let length = buffer.readableBytes, type = Int(instruction.type)
        switch instruction {
        case let .gotoTable(table):
            return ["OFPInstructionGotoTable": ["len": length, "table_id": Int(table), "type": type]]
        case let .writeMetadata(metadata, mask):
            return ["OFPInstructionWriteMetadata": ["len": length, "metadata": NSNumber(value: metadata),
                                                    "metadata_mask": NSNumber(value: mask), "type": type]]
        case let .writeActions(actions), let .applyActions(actions):
            return ["OFPInstructionActions": ["actions": actions.map(action), "len": length, "type": type]]
        case .clearActions:
            return ["OFPInstructionActions": ["actions": [Any](), "len": length, "type": type]]
        case let .meter(id):
            return ["OFPInstructionMeter": ["len": length, "meter_id": Int(id), "type": type]]
        case .experimenter, .unknown:
            return ["OFPInstruction": ["len": length, "type": type, subsetKey: true]]
        }
    }

    static func action(_ action: Action) -> [String: Any] {
        let length = encodedLength(action), type = Int(action.type)
        let plain: [String: Any] = ["len": length, "type": type]
        func with(_ extra: [String: Any]) -> [String: Any] { plain.merging(extra) { $1 } }
        switch action {
        case let .output(port, maxLength):
            return ["OFPActionOutput": with(["port": Int(port), "max_len": Int(maxLength)])]
        case .copyTTLOut: return ["OFPActionCopyTtlOut": plain]
        case .copyTTLIn: return ["OFPActionCopyTtlIn": plain]
        case let .setMPLSTTL(ttl): return ["OFPActionSetMplsTtl": with(["mpls_ttl": Int(ttl)])]
        case .decMPLSTTL: return ["OFPActionDecMplsTtl": plain]
        case let .pushVLAN(etherType): return ["OFPActionPushVlan": with(["ethertype": Int(etherType)])]
        case .popVLAN: return ["OFPActionPopVlan": plain]
        case let .pushMPLS(etherType): return ["OFPActionPushMpls": with(["ethertype": Int(etherType)])]
        case let .popMPLS(etherType): return ["OFPActionPopMpls": with(["ethertype": Int(etherType)])]
        case let .setQueue(id): return ["OFPActionSetQueue": with(["queue_id": Int(id)])]
        case let .group(id): return ["OFPActionGroup": with(["group_id": Int(id)])]
        case let .setNetworkTTL(ttl): return ["OFPActionSetNwTtl": with(["nw_ttl": Int(ttl)])]
        case .decNetworkTTL: return ["OFPActionDecNwTtl": plain]
        case let .setField(field): return ["OFPActionSetField": with(["field": oxm(field)])]
        case let .pushPBB(etherType): return ["OFPActionPushPbb": with(["ethertype": Int(etherType)])]
        case .popPBB: return ["OFPActionPopPbb": plain]
        case let .experimenter(id, body):
            // Ryu names unknown experimenters "OFPActionExperimenterUnknown"; known
            // Nicira ones we keep opaque are compared on the generic fields only.
            return ["*": with(["experimenter": Int(id), "data": base64(body), subsetKey: true])]
        case let .unknown(_, body):
            return ["*": with(["data": base64(body), subsetKey: true])]
        case let .nicira(nicira):
            let nx = with(["experimenter": Int(NiciraAction.experimenterID), "subtype": Int(nicira.subtype)])
            func nxWith(_ extra: [String: Any]) -> [String: Any] { nx.merging(extra) { $1 } }
            switch nicira {
            case let .resubmit(inPort):
                return ["NXActionResubmit": nxWith(["in_port": Int(inPort)])]
            case let .resubmitTable(inPort, table):
                return ["NXActionResubmitTable": nxWith(["in_port": Int(inPort), "table_id": Int(table)])]
            case let .regMove(bits, sourceOffset, destinationOffset, source, destination):
                return ["NXActionRegMove": nxWith(["n_bits": Int(bits), "src_ofs": Int(sourceOffset),
                                                   "dst_ofs": Int(destinationOffset), "src_field": source.name,
                                                   "dst_field": destination.name])]
            case let .regLoad(offset, bits, destination, value):
                return ["NXActionRegLoad": nxWith(["ofs_nbits": Int(offset) << 6 | (Int(bits) - 1), "dst": destination.name,
                                                   "value": NSNumber(value: value)])]
            case let .regLoad2(field):
                return ["NXActionRegLoad2": nxWith(["dst": oxm(field), subsetKey: true])]
            case let .controller(maxLength, controllerID, reason):
                return ["NXActionController": nxWith(["max_len": Int(maxLength), "controller_id": Int(controllerID),
                                                      "reason": Int(reason)])]
            case let .controller2(controller):
                var extra: [String: Any] = ["pause": controller.pause]
                if let maxLength = controller.maxLength { extra["max_len"] = Int(maxLength) }
                if let controllerID = controller.controllerID { extra["controller_id"] = Int(controllerID) }
                if let reason = controller.reason { extra["reason"] = Int(reason) }
                if let userdata = controller.userdata { extra["userdata"] = userdata.map(Int.init) }
                if let meterID = controller.meterID { extra["meter_id"] = Int(meterID) }
                return ["NXActionController2": nxWith(extra)]
            case .other:
                return ["*": nxWith([subsetKey: true])]
            }
        }
    }

    static func base64(_ buffer: ByteBuffer) -> String {
        Data(buffer.readableBytesView).base64EncodedString()
    }

    /// Differences between our rendering and Ryu's JSON, as "path: ours vs theirs".
    static func differences(_ ours: Any, _ theirs: Any, path: String = "") -> [String] {
        switch (ours, theirs) {
        case let (ours as [String: Any], theirs as [String: Any]):
            var out: [String] = []
            // A one-key class wrapper: "*" matches any class name.
            if ours.count == 1, theirs.count == 1, let (name, value) = ours.first, let (theirName, theirValue) = theirs.first,
               name == "*" || name.hasPrefix("OFP") || name.hasPrefix("NX") || name.hasPrefix("OXM") {
                if name != "*" && name != theirName { return ["\(path): class \(name) vs \(theirName)"] }
                return differences(value, theirValue, path: path + "/" + theirName)
            }
            let subset = ours[subsetKey] as? Bool ?? false
            let keys = Set(ours.keys).subtracting([subsetKey]).union(subset ? [] : Set(theirs.keys))
            for key in keys.sorted() {
                guard let mine = ours[key] else { out.append("\(path)/\(key): missing in ours"); continue }
                guard let other = theirs[key] else { out.append("\(path)/\(key): not in Ryu's JSON"); continue }
                out += differences(mine, other, path: path + "/" + key)
            }
            return out
        case let (ours as [Any], theirs as [Any]):
            guard ours.count == theirs.count else { return ["\(path): \(ours.count) elements vs \(theirs.count)"] }
            return zip(ours, theirs).enumerated().flatMap { differences($1.0, $1.1, path: path + "[\($0)]") }
        case (is NSNull, is NSNull):
            return []
        case let (ours as String, theirs as [String: Any]) where theirs["Packet"] != nil:
            // Ryu parsed the frame; check its Ethernet header against our bytes.
            guard let bytes = Data(base64Encoded: ours).map(Array.init), bytes.count >= 14,
                  let packet = theirs["Packet"] as? [String: Any],
                  let layers = packet["protocols"] as? [[String: Any]],
                  let ethernet = layers.first?["ethernet"] as? [String: Any] else { return ["\(path): unparsable frame"] }
            let mine: [String: Any] = [
                "dst": format("eth_dst", Array(bytes[0..<6])), "src": format("eth_src", Array(bytes[6..<12])),
                "ethertype": Int(bytes[12]) << 8 | Int(bytes[13]),
            ]
            return differences(mine, ethernet, path: path + "/ethernet")
        case let (ours as String, theirs as String):
            return ours == theirs ? [] : ["\(path): \(ours) vs \(theirs)"]
        case let (ours as NSNumber, theirs as NSNumber):
            return ours == theirs ? [] : ["\(path): \(ours) vs \(theirs)"]
        case let (ours as Bool, theirs as Bool):
            return ours == theirs ? [] : ["\(path): \(ours) vs \(theirs)"]
        default:
            return ["\(path): \(ours) vs \(theirs)"]
        }
    }
}
