/// The one vocabulary every codec reads wire fields with: big-endian
/// integers, byte runs, skips and sub-readers, each checked against what is
/// left and each naming the field it reads. A codec's reader keeps its own
/// storage (a `ByteBuffer`, a pointer into one, an array slice) and its own
/// error type: it supplies the unchecked primitives and `shortField`, the
/// mapping from "this field needs more octets than are left" to its error.
///
/// Every verb is `@inlinable` so that a reader's calls specialise into its
/// own module's code: one bounds check and one load, as if written by hand.
/// The field name is an autoclosure and is only built when a read fails.
public protocol FieldReading {
    associatedtype Failure: Error

    /// Octets left to read.
    var remaining: Int { get }
    /// Where the next octet sits, counted from the start of the message
    /// (or record, or frame) for error reports.
    var offset: Int { get }

    /// The next big-endian integer; the caller has checked that `size` octets remain.
    mutating func uncheckedInteger<T: FixedWidthInteger>(_: T.Type) -> T
    /// Moves past `count` octets; the caller has checked `0 <= count <= remaining`.
    mutating func uncheckedSkip(_ count: Int)
    /// Copies out the next `count` octets; the caller has checked the count.
    mutating func uncheckedBytes(_ count: Int) -> [UInt8]
    /// A reader over the next `count` octets (offsets still counted from the
    /// same start), moving past them; the caller has checked the count.
    mutating func uncheckedSub(_ count: Int) -> Self

    /// This protocol's error for `field` needing `needed` octets when only
    /// `remaining` are left (`needed` may be negative: a length field that
    /// said so).
    func shortField(_ field: String, needed: Int) -> Failure
}

extension FieldReading {
    public var isEmpty: Bool { remaining <= 0 }

    /// Fails unless `count` octets remain (and `count` is not negative).
    @inlinable @inline(__always)
    public func require(_ count: Int, _ field: @autoclosure () -> String) throws(Failure) {
        guard count >= 0, count <= remaining else { throw shortField(field(), needed: count) }
    }

    @inlinable @inline(__always)
    public mutating func integer<T: FixedWidthInteger>(_ field: @autoclosure () -> String, as: T.Type = T.self) throws(Failure) -> T {
        guard MemoryLayout<T>.size <= remaining else { throw shortField(field(), needed: MemoryLayout<T>.size) }
        return uncheckedInteger(T.self)
    }

    @inlinable @inline(__always)
    public mutating func u8(_ field: @autoclosure () -> String) throws(Failure) -> UInt8 { try integer(field()) }
    @inlinable @inline(__always)
    public mutating func u16(_ field: @autoclosure () -> String) throws(Failure) -> UInt16 { try integer(field()) }
    @inlinable @inline(__always)
    public mutating func u32(_ field: @autoclosure () -> String) throws(Failure) -> UInt32 { try integer(field()) }
    @inlinable @inline(__always)
    public mutating func u64(_ field: @autoclosure () -> String) throws(Failure) -> UInt64 { try integer(field()) }

    /// Three octets, big-endian (MPLS labels, LLGR stale times).
    @inlinable @inline(__always)
    public mutating func u24(_ field: @autoclosure () -> String) throws(Failure) -> UInt32 {
        guard remaining >= 3 else { throw shortField(field(), needed: 3) }
        let high = uncheckedInteger(UInt8.self)
        return UInt32(high) << 16 | UInt32(uncheckedInteger(UInt16.self))
    }

    @inlinable @inline(__always)
    public mutating func skip(_ count: Int, _ field: @autoclosure () -> String) throws(Failure) {
        try require(count, field())
        uncheckedSkip(count)
    }

    /// `count` octets, copied; the count is checked before any allocation, so
    /// a length field never makes a reader allocate more than it holds.
    @inlinable
    public mutating func bytes(_ count: Int, _ field: @autoclosure () -> String) throws(Failure) -> [UInt8] {
        try require(count, field())
        return uncheckedBytes(count)
    }

    /// A reader over the next `count` octets, errors still naming offsets from the same start.
    @inlinable
    public mutating func sub(_ count: Int, _ field: @autoclosure () -> String) throws(Failure) -> Self {
        try require(count, field())
        return uncheckedSub(count)
    }
}
