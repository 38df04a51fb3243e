import NIOCore

/// An OXM match (ofp_match, type OFPMT_OXM).
///
/// The TLVs are stored as the wire bytes (a slice of the decoded message, so a
/// decoded PACKET_IN's match costs no allocation); `fields` parses them on
/// demand. Equality and hashing use the canonical form: field order, all-ones
/// masks and masked-out value bits do not matter, because Open vSwitch returns
/// the fields of a flow in its own order.
public struct Match: Sendable {
    /// The OXM TLVs, validated, without the ofp_match header and padding.
    public private(set) var oxmBytes: ByteBuffer

    /// The empty match (all wildcards).
    public init() { oxmBytes = ByteBuffer() }

    public init(_ fields: [OXMField]) {
        var buffer = ByteBuffer()
        for field in fields { field.encode(into: &buffer) }
        oxmBytes = buffer
    }

    /// The fields in wire order.
    public var fields: [OXMField] {
        var reader = WireReader(oxmBytes)
        var out: [OXMField] = []
        // Validated at construction, so this cannot fail; stop quietly if it did.
        while !reader.isEmpty, let field = try? OXMField.decode(from: &reader) { out.append(field) }
        return out
    }

    /// The fields sorted and canonicalised: what equality compares.
    public var canonicalFields: [OXMField] { fields.map(\.canonical).sorted() }

    public var isEmpty: Bool { oxmBytes.readableBytes == 0 }

    /// The first field with this class and field number.
    public func field(_ oxmClass: UInt16, _ field: UInt8) -> OXMField? {
        fields.first { $0.oxmClass == oxmClass && $0.field == field }
    }

    public subscript(basic: OXMBasicField) -> OXMField? { field(OXMClass.openFlowBasic, basic.rawValue) }

    /// Wire size including the 4-byte header and the padding to 8.
    public var encodedSize: Int {
        let length = 4 &+ oxmBytes.readableBytes
        return (length &+ 7) & ~7
    }

    public func encode(into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt16(1))  // OFPMT_OXM
        buffer.writeInteger(UInt16(truncatingIfNeeded: 4 &+ oxmBytes.readableBytes))
        var bytes = oxmBytes
        buffer.writeBuffer(&bytes)
        buffer.padTo8(from: start)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Match {
        let at = reader.offset
        let type: UInt16 = try reader.read("match type")
        guard type == 1 else { throw reader.error("match type (only OXM is OpenFlow 1.3)", .badValue(UInt64(type)), at: at) }
        let length = Int(try reader.read("match length", as: UInt16.self))
        guard length >= 4 else { throw reader.error("match length", .badLength(length), at: at &+ 2) }
        var tlvs = try reader.sub(length &- 4, "match fields")
        let bytes = tlvs.buffer
        // Walk the TLVs once so a stored match is always well formed.
        while !tlvs.isEmpty {
            let header = try OXMHeader.decode(from: &tlvs)
            try tlvs.skip(Int(header.length) &- (header.experimenter == nil ? 0 : 4), "OXM payload")
        }
        try reader.skip((8 &- length % 8) % 8, "match padding")
        var match = Match()
        match.oxmBytes = bytes
        return match
    }
}

extension Match: Hashable {
    public static func == (lhs: Match, rhs: Match) -> Bool {
        lhs.oxmBytes == rhs.oxmBytes || lhs.canonicalFields == rhs.canonicalFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalFields)
    }
}

extension Match: CustomStringConvertible {
    public var description: String {
        "Match(" + fields.map { field in
            let name = field.basic?.specName ?? "class=\(field.oxmClass),field=\(field.field)"
            let value = field.value.map { String($0, radix: 16) }.joined(separator: ":")
            return field.mask.map { "\(name)=\(value)/\($0.map { String($0, radix: 16) }.joined(separator: ":"))" } ?? "\(name)=\(value)"
        }.joined(separator: ",") + ")"
    }
}
