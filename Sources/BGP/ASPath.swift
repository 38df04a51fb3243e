import NIOCore

/// One AS_PATH segment (RFC 4271 §4.3, RFC 5065 for the confederation kinds).
public struct ASPathSegment: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case asSet = 1
        case asSequence = 2
        case confedSequence = 3
        case confedSet = 4
    }
    public var kind: Kind
    public var asns: [UInt32]
    public init(_ kind: Kind, _ asns: [UInt32]) { self.kind = kind; self.asns = asns }
}

/// AS_PATH or AS4_PATH. The octets per AS (2 or 4) are not part of the value:
/// they come from the session (RFC 6793), so one path is written either way.
public struct ASPath: Hashable, Sendable, CustomStringConvertible {
    public var segments: [ASPathSegment]
    public init(_ segments: [ASPathSegment] = []) { self.segments = segments }
    public static func sequence(_ asns: [UInt32]) -> ASPath { ASPath(asns.isEmpty ? [] : [ASPathSegment(.asSequence, asns)]) }

    /// Path length for best-path selection (RFC 4271 §9.1.2.2: a set counts one,
    /// confederation segments none).
    public var length: Int {
        segments.reduce(0) { n, s in
            switch s.kind {
            case .asSequence: n + s.asns.count
            case .asSet: n + 1
            case .confedSet, .confedSequence: n
            }
        }
    }

    public var description: String {
        segments.map { s in
            let list = s.asns.map(String.init).joined(separator: " ")
            switch s.kind {
            case .asSequence: return list
            case .asSet: return "{\(list)}"
            case .confedSequence: return "(\(list))"
            case .confedSet: return "[\(list)]"
            }
        }.joined(separator: " ")
    }

    static func decode(_ r: inout WireReader, fourOctet: Bool, _ error: Notification) throws(BGPDecodingError) -> ASPath {
        r.notification = error
        var segments: [ASPathSegment] = []
        let width = fourOctet ? 4 : 2
        while !r.isEmpty {
            let at = r.offset
            let raw = try r.u8("AS_PATH segment type")
            guard let kind = ASPathSegment.Kind(rawValue: raw) else {
                throw BGPDecodingError("AS_PATH segment type \(raw)", offset: at, notification: error)
            }
            let count = Int(try r.u8("AS_PATH segment length"))
            // RFC 7606 §7.2: a zero-length segment is malformed.
            guard count > 0 else { throw BGPDecodingError("empty AS_PATH segment", offset: at, notification: error) }
            try r.require(count * width, "AS_PATH segment of \(count) ASes")
            var asns: [UInt32] = []
            asns.reserveCapacity(count)
            for _ in 0..<count {
                asns.append(fourOctet ? try r.u32("AS") : UInt32(try r.u16("AS")))
            }
            segments.append(ASPathSegment(kind, asns))
        }
        return ASPath(segments)
    }

    /// Writes the path; with 2 octets, an AS above 65535 becomes AS_TRANS
    /// (23456, RFC 6793 §4.2.2). Segments over 255 ASes are split.
    func encode(into b: inout ByteBuffer, fourOctet: Bool) {
        for s in segments {
            var rest = s.asns[...]
            repeat {
                let chunk = rest.prefix(255)
                rest = rest.dropFirst(chunk.count)
                b.writeInteger(s.kind.rawValue)
                b.writeInteger(UInt8(chunk.count))
                for a in chunk {
                    if fourOctet { b.writeInteger(a) } else { b.writeInteger(a > 0xffff ? UInt16(23456) : UInt16(a)) }
                }
            } while !rest.isEmpty
        }
    }
}

/// AGGREGATOR / AS4_AGGREGATOR.
public struct Aggregator: Hashable, Sendable {
    public var asn: UInt32
    public var address: IPv4Address
    public init(asn: UInt32, address: IPv4Address) { self.asn = asn; self.address = address }
}
