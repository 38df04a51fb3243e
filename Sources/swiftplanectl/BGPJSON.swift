import BGP
import Foundation
import NIOCore

/// `decode bgp` apart from I/O: bytes in, JSON lines and an optional error out.
enum BGPJSON {
    static func decodeStream(_ bytes: [UInt8], options: SessionOptions, reencode: Bool) -> (lines: [String], error: String?) {
        var decoder = MessageStreamDecoder(maximumMessageLength: options.maximumMessageLength)
        decoder.append(bytes)
        return DecodeOutput.lines(of: "BGP", consumed: { decoder.consumed }, pending: { decoder.pendingBytes }) { offset in
            guard let frame = try decoder.next() else { return nil }
            let message: BGPMessage
            do throws(BGPDecodingError) {
                message = try BGPMessage.decode(frame, options: options)
            } catch {
                var e = error
                e.offset += offset
                throw e
            }
            var object: [String: Any] = [
                "offset": offset,
                "type": typeName(message.type),
                "length": frame.readableBytes,
                "message": json(message),
            ]
            if reencode { object["reencoded"] = OpenFlowJSON.hex(message.encoded(options: options).readableBytesView) }
            return object
        }
    }

    static func typeName(_ t: BGPMessage.MessageType) -> String {
        switch t {
        case .open: "OPEN"
        case .update: "UPDATE"
        case .notification: "NOTIFICATION"
        case .keepalive: "KEEPALIVE"
        case .routeRefresh: "ROUTE-REFRESH"
        }
    }

    /// A JSONSerialization-ready value. Addresses, distinguishers, targets and
    /// other small values print in their usual text form; the rest by
    /// reflection, so every message and attribute prints without its own encoder.
    static func json(_ value: Any) -> Any {
        switch value {
        case let v as BGPMessage:
            switch v {
            case .keepalive: return [String: Any]()
            case .open(let x): return json(x)
            case .update(let x): return json(x)
            case .notification(let x): return json(x)
            case .routeRefresh(let x): return json(x)
            }
        case let n as BGP.Notification:
            return ["error": n.error.description, "code": Int(n.code), "subcode": Int(n.subcode), "data": OpenFlowJSON.hex(n.data)]
        case let a as PathAttribute:
            return ["flags": Int(a.flags.rawValue), "type_code": Int(a.typeCode), "value": json(a.value)]
        case let n as NLRI:
            var object = json(n.route) as? [String: Any] ?? [:]
            if let id = n.pathID { object["path_id"] = Int(id) }
            return object
        case let l as MPLSLabel: return Int(l.rawValue)
        case let f as AttributeFlags: return Int(f.rawValue)
        case let a as ASPath: return a.segments.map { ["kind": OpenFlowJSON.snakeCase(String(describing: $0.kind)), "asns": $0.asns.map(Int.init)] }
        case let e as ExtendedCommunity:
            switch e {
            case .opaque(let raw): return ["opaque": String(format: "%016llx", raw)]
            default: return reflect(e)
            }
        case let t as PMSITunnel.TunnelType: return Int(t.rawValue)
        case let t as RouteRefresh.Subtype: return Int(t.rawValue)
        case let m as AddPathFamily.Mode: return Int(m.rawValue)
        case let x as any CustomStringConvertible & Hashable & Sendable where isTextual(x): return x.description
        case let bytes as [UInt8]: return OpenFlowJSON.hex(bytes)
        case let s as String: return s
        case let b as Bool: return b
        case let i as any BinaryInteger: return OpenFlowJSON.number(i)
        default: return reflect(value)
        }
    }

    /// The value types shown by their text form.
    static func isTextual(_ x: Any) -> Bool {
        x is BGP.IPv4Address || x is BGP.IPv6Address || x is BGP.IPAddress || x is BGP.EthernetAddress
            || x is RouteDistinguisher || x is EthernetSegmentIdentifier || x is AddressFamily || x is AFI || x is SAFI
            || x is Community || x is LargeCommunity || x is RouteTarget || x is IPv4Prefix || x is IPv6Prefix
            || x is RouteTargetMembershipNLRI
    }

    static func reflect(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        if let container = OpenFlowJSON.reflectedContainer(mirror, of: value, json) { return container }
        var object: [String: Any] = [:]
        for (i, child) in mirror.children.enumerated() {
            object[child.label.map(OpenFlowJSON.snakeCase) ?? "_\(i)"] = json(child.value)
        }
        return object
    }
}
