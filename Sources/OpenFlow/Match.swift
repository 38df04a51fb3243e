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

    /// OFPMT_OXM, the one match type OpenFlow 1.3 uses.
    static let oxmType: UInt16 = 1

    /// The empty match (all wildcards).
    public init() { oxmBytes = ByteBuffer() }

    public init(_ fields: [OXMField]) {
        var buffer = ByteBuffer()
        for field in fields { field.encode(into: &buffer) }
        oxmBytes = buffer
    }

    /// The fields in wire order.
    public var fields: [OXMField] {
        // Validated at construction, so this cannot fail; stop quietly if it did.
        (try? WireReader.with(oxmBytes) { (reader: inout WireReader) throws(OpenFlowDecodingError) -> [OXMField] in
            var out: [OXMField] = []
            while !reader.isEmpty, let field = try? OXMField.decode(from: &reader) { out.append(field) }
            return out
        }) ?? []
    }

    /// The fields sorted and canonicalised: what equality compares.
    public var canonicalFields: [OXMField] { fields.map(\.canonical).sorted() }

    /// The canonical fields' TLVs: two matches are equal exactly when these
    /// bytes are, so a controller that keeps a match for every flow can keep
    /// (and compare, and hash) these instead.
    public var canonicalTLVs: [UInt8] { canonicalTLVs(followedBy: ByteBuffer()) }

    /// `canonicalTLVs`, then the wire bytes of `instructions`, in one array,
    /// and how many of its bytes are the match: a controller keeps each
    /// flow's match and instructions in one allocation, built without an
    /// intermediate copy.
    public func packed(with instructions: [Instruction]) -> (bytes: [UInt8], matchCount: Int) {
        var suffix = ByteBuffer()
        Instruction.encodeList(instructions, into: &suffix)
        let bytes = canonicalTLVs(followedBy: suffix)
        return (bytes, bytes.count - suffix.readableBytes)
    }

    /// `canonicalTLVs` with the readable bytes of `suffix` after them.
    func canonicalTLVs(followedBy suffix: ByteBuffer) -> [UInt8] {
        if let sorted = sortedUnmaskedTLVs(followedBy: suffix) { return sorted }
        var buffer = ByteBuffer()
        for field in canonicalFields { field.encode(into: &buffer) }
        buffer.writeImmutableBuffer(suffix)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// `canonicalTLVs` without decoding a field, for a match with no mask
    /// (every match the pipeline builds but one): an unmasked field's
    /// canonical form is its own bytes, so the TLVs are only put in
    /// `OXMField`'s order. A controller builds one per flow it wants; this
    /// walks the bytes once and allocates the result alone. Nil when a
    /// field has a mask (or, defensively, when the bytes do not parse).
    private func sortedUnmaskedTLVs(followedBy suffix: ByteBuffer) -> [UInt8]? {
        oxmBytes.withUnsafeReadableBytes { raw -> [UInt8]? in
            var count = 0, at = 0
            while at < raw.count {
                guard raw.count - at >= 4, raw[at + 2] & 0x01 == 0 else { return nil }
                let end = at + 4 + Int(raw[at + 3])
                guard end <= raw.count else { return nil }
                count += 1
                at = end
            }
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: count) { spans -> [UInt8] in
                var n = 0
                at = 0
                while at < raw.count {
                    let end = at + 4 + Int(raw[at + 3])
                    // Insertion sort: a match has a handful of fields.
                    var slot = n
                    while slot > 0, Self.precedes(at..<end, spans[slot - 1], in: raw) {
                        spans[slot] = spans[slot - 1]
                        slot -= 1
                    }
                    spans[slot] = at..<end
                    n += 1
                    at = end
                }
                return [UInt8](unsafeUninitializedCapacity: raw.count + suffix.readableBytes) { out, written in
                    for span in spans[..<n] {
                        for i in span { out[written] = raw[i]; written += 1 }
                    }
                    suffix.withUnsafeReadableBytes { tail in
                        for byte in tail { out[written] = byte; written += 1 }
                    }
                }
            }
        }
    }

    /// `OXMField`'s order for two unmasked TLVs: class, field, experimenter, then value bytes.
    private static func precedes(_ a: Range<Int>, _ b: Range<Int>, in raw: UnsafeRawBufferPointer) -> Bool {
        func word(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(raw[at + $1]) } }
        let headerA = word(a.lowerBound), headerB = word(b.lowerBound)
        let classA = headerA >> 16, classB = headerB >> 16
        if classA != classB { return classA < classB }
        let fieldA = (headerA >> 9) & 0x7f, fieldB = (headerB >> 9) & 0x7f
        if fieldA != fieldB { return fieldA < fieldB }
        var valueA = a.lowerBound + 4, valueB = b.lowerBound + 4
        if classA == UInt32(OXMClass.experimenter) {
            guard a.count >= 8, b.count >= 8 else { return a.count < b.count }
            let experimenterA = word(valueA), experimenterB = word(valueB)
            if experimenterA != experimenterB { return experimenterA < experimenterB }
            valueA += 4
            valueB += 4
        }
        return raw[valueA..<a.upperBound].lexicographicallyPrecedes(raw[valueB..<b.upperBound])
    }

    /// The match of OXM TLVs such as `canonicalTLVs` gives; nil if they are
    /// not well formed.
    public init?(tlvs: some Collection<UInt8>) {
        let bytes = ByteBuffer(bytes: tlvs)
        guard Self.firstMalformedField(bytes) == nil else { return nil }
        self.init(oxmBytes: bytes)
    }

    public var isEmpty: Bool { oxmBytes.readableBytes == 0 }

    /// The first field with this class and field number. Walks the bytes
    /// without building `fields` (a packet-in's in_port is read per packet).
    public func field(_ oxmClass: UInt16, _ field: UInt8) -> OXMField? {
        // Validated at construction, so decoding cannot fail; stop quietly if it did.
        try? WireReader.with(oxmBytes) { (reader: inout WireReader) throws(OpenFlowDecodingError) -> OXMField? in
            while !reader.isEmpty {
                let found = try OXMField.decode(from: &reader)
                if found.oxmClass == oxmClass && found.field == field { return found }
            }
            return nil
        } ?? nil
    }

    public subscript(basic: OXMBasicField) -> OXMField? { field(OXMClass.openFlowBasic, basic.rawValue) }

    /// Wire size including the 4-byte header and the padding to 8.
    public var encodedSize: Int {
        let length = 4 &+ oxmBytes.readableBytes
        return (length &+ 7) & ~7
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeFixed(encodedSize) { w in write(&w) }
    }

    /// Writes `encodedSize` bytes.
    func write(_ w: inout FixedWriter) {
        let length = 4 &+ oxmBytes.readableBytes, padded = (length &+ 7) & ~7
        w.put(Self.oxmType)
        w.put(UInt16(truncatingIfNeeded: length))
        w.buffer(oxmBytes)
        w.zeros(padded &- length)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Match {
        let at = reader.offset
        let type: UInt16 = try reader.integer("match type")
        guard type == oxmType else { throw reader.error("match type (only OXM is OpenFlow 1.3)", .badValue(UInt64(type)), at: at) }
        let length = Int(try reader.integer("match length", as: UInt16.self))
        guard length >= 4 else { throw reader.error("match length", .badLength(length), at: at &+ 2) }
        let fieldsAt = reader.offset
        let bytes = try reader.slice(length &- 4, "match fields")
        // Walk the TLVs once so a stored match is always well formed.
        if let bad = Self.firstMalformedField(bytes) {
            throw reader.error("OXM field length", .badLength(bytes.readableBytes &- bad), at: fieldsAt &+ bad)
        }
        try reader.skip((8 &- length % 8) % 8, "match padding")
        return Match(oxmBytes: bytes)
    }

    /// Bytes already checked by `firstMalformedField`, or encoded from fields.
    init(oxmBytes: ByteBuffer) { self.oxmBytes = oxmBytes }
}

extension Match {
    /// The offset of the first TLV that does not fit (a header cut short, a
    /// payload past the end, an experimenter field without its id), or nil.
    static func firstMalformedField(_ bytes: ByteBuffer) -> Int? {
        bytes.withUnsafeReadableBytes { raw -> Int? in
            var offset = 0
            while offset < raw.count {
                guard raw.count &- offset >= 4 else { return offset }
                let header = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                let payload = Int(header & 0xff)
                guard header >> 16 != UInt32(OXMClass.experimenter) || payload >= 4,
                      raw.count &- offset &- 4 >= payload else { return offset }
                offset &+= 4 &+ payload
            }
            return nil
        }
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
        "Match(" + fields.map { $0.name + "=" + $0.valueText }.joined(separator: ",") + ")"
    }
}
