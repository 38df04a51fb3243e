import FieldReader

/// The verbs of `FieldReading`, each with the octets it reads, so one table
/// runs against every codec's reader: what it reads from enough input, and
/// which error it maps a short read to.
public enum FieldVerb: String, Sendable, CaseIterable, CustomStringConvertible {
    case u8, u16, u24, u32, u64, bytes, skip, sub, require

    public var description: String { rawValue }

    /// Octets the verb needs (the run verbs ask for 5).
    public var width: Int {
        switch self {
        case .u8: 1
        case .u16: 2
        case .u24: 3
        case .u32: 4
        case .u64: 8
        case .bytes, .skip, .sub, .require: 5
        }
    }

    /// Octets it moves past (`require` only checks).
    public var consumes: Int { self == .require ? 0 : width }

    /// What `run` returns from `input` when there is enough of it.
    public func expected(from input: [UInt8]) -> [UInt8] {
        self == .skip || self == .require ? [] : Array(input.prefix(width))
    }

    /// Runs the verb; integers come back as their big-endian octets, a
    /// sub-reader as all it holds.
    public func run<R: FieldReading>(_ r: inout R, field: String) throws(R.Failure) -> [UInt8] {
        func octets<T: FixedWidthInteger>(_ v: T, _ count: Int = MemoryLayout<T>.size) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: v >> (8 * (count - 1 - $0))) }
        }
        switch self {
        case .u8: return octets(try r.u8(field))
        case .u16: return octets(try r.u16(field))
        case .u24: return octets(try r.u24(field), 3)
        case .u32: return octets(try r.u32(field))
        case .u64: return octets(try r.u64(field))
        case .bytes: return try r.bytes(width, field)
        case .skip: try r.skip(width, field); return []
        case .require: try r.require(width, field); return []
        case .sub:
            var s = try r.sub(width, field)
            return try s.bytes(s.remaining, field)
        }
    }
}
