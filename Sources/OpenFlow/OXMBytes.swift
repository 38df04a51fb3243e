/// An OXM value or mask. Up to 16 bytes (every OpenFlow-basic and Nicira field
/// an overlay uses) are kept inline, so decoding a set_field or a match field
/// allocates nothing; longer ones (unknown classes) spill to an array.
struct OXMBytes: Sendable, Hashable {
    /// Bytes 0..<8 and 8..<16, big-endian packed, unused bytes zero.
    private var high: UInt64 = 0
    private var low: UInt64 = 0
    private(set) var count: Int = 0
    private var spill: [UInt8]? = nil

    init(_ bytes: [UInt8]) {
        count = bytes.count
        guard bytes.count <= 16 else { spill = bytes; return }
        for (i, byte) in bytes.enumerated() { set(byte, at: i) }
    }

    private init() {}

    /// The low `width` bytes of `value`, big-endian; bytes past 8 are zero.
    init(integer value: UInt64, width: Int) {
        count = width
        guard width > 0 else { return }
        if width <= 8 {
            high = value << UInt64(64 &- 8 &* width)
        } else if width <= 16 {
            // Wider than the integer: leading zero bytes, then its 8 bytes.
            let leading = width &- 8
            high = leading == 8 ? 0 : value >> UInt64(8 &* leading)
            low = leading == 8 ? value : value << UInt64(64 &- 8 &* leading)
        } else {
            spill = (0..<width).map { i in
                let shift = (width &- 1 &- i) &* 8
                return shift < 64 ? UInt8(truncatingIfNeeded: value >> UInt64(shift)) : 0
            }
        }
    }

    private mutating func set(_ byte: UInt8, at i: Int) {
        if i < 8 { high |= UInt64(byte) << UInt64(56 &- 8 &* i) } else { low |= UInt64(byte) << UInt64(56 &- 8 &* (i &- 8)) }
    }

    private func byte(at i: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: i < 8 ? high >> UInt64(56 &- 8 &* i) : low >> UInt64(56 &- 8 &* (i &- 8)))
    }

    var array: [UInt8] { spill ?? (0..<count).map(byte(at:)) }

    /// The value as an integer when it has at most 8 bytes.
    var integer: UInt64? {
        guard count <= 8 else { return nil }
        return count == 0 ? 0 : high >> UInt64(64 &- 8 &* count)
    }

    func write(_ w: inout FixedWriter) {
        if let spill { w.bytes(spill); return }
        if count == 8 { w.put(high); return }
        if count == 16 { w.put(high); w.put(low); return }
        for i in 0..<count { w.put(byte(at: i)) }
    }

    @inline(__always)
    static func read(from reader: inout WireReader, count: Int, _ what: @autoclosure () -> String) throws(OpenFlowDecodingError) -> OXMBytes {
        guard count > 0 else {
            guard count == 0 else { throw reader.error(what(), .badLength(count)) }
            return OXMBytes()
        }
        guard count <= 16 else { return OXMBytes(try reader.bytes(count, what())) }
        return try reader.fixed(count, what()) { r in
            // A few wide loads instead of a shift per byte.
            var out = OXMBytes()
            out.count = count
            let first = min(count, 8)
            out.high = loadBigEndian(&r, first) << UInt64(64 &- 8 &* first)
            if count > 8 { out.low = loadBigEndian(&r, count &- 8) << UInt64(128 &- 8 &* count) }
            return out
        }
    }

    /// The next `count` (1...8) bytes as a big-endian integer.
    @inline(__always)
    private static func loadBigEndian(_ r: inout FixedReader, _ count: Int) -> UInt64 {
        if count == 8 { return r.get(UInt64.self) }
        var value: UInt64 = 0
        if count & 4 != 0 { value = UInt64(r.get(UInt32.self)) }
        if count & 2 != 0 { value = value << 16 | UInt64(r.get(UInt16.self)) }
        if count & 1 != 0 { value = value << 8 | UInt64(r.get(UInt8.self)) }
        return value
    }
}
