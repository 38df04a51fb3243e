import NIOCore

/// A bounds-checked reader over wire bytes that knows where it is in the
/// message, so every decoding error can say at which offset it happened.
struct WireReader {
    var buffer: ByteBuffer
    /// Offset of `buffer`'s index 0 within the message being decoded.
    let base: Int

    init(_ buffer: ByteBuffer, base: Int = 0) {
        self.buffer = buffer
        self.base = base &- buffer.readerIndex
    }

    var offset: Int { base &+ buffer.readerIndex }
    var remaining: Int { buffer.readableBytes }
    var isEmpty: Bool { buffer.readableBytes == 0 }

    @inline(__always)
    mutating func integer<T: FixedWidthInteger>(_ field: @autoclosure () -> String, _ error: Notification, as: T.Type = T.self) throws(BGPDecodingError) -> T {
        guard let v = buffer.readInteger(as: T.self) else { throw truncated(field(), error) }
        return v
    }

    @inline(__always)
    mutating func u8(_ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> UInt8 { try integer(field(), error) }
    @inline(__always)
    mutating func u16(_ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> UInt16 { try integer(field(), error) }
    @inline(__always)
    mutating func u32(_ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> UInt32 { try integer(field(), error) }
    @inline(__always)
    mutating func u64(_ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> UInt64 { try integer(field(), error) }

    /// Three octets, big-endian (labels, LLGR stale time).
    @inline(__always)
    mutating func u24(_ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> UInt32 {
        guard remaining >= 3, let hi = buffer.readInteger(as: UInt8.self), let lo = buffer.readInteger(as: UInt16.self) else {
            throw truncated(field(), error)
        }
        return UInt32(hi) << 16 | UInt32(lo)
    }

    /// `count` bytes; the count is checked against what is there before any
    /// allocation, so a length field cannot make us allocate more than we hold.
    mutating func bytes(_ count: Int, _ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> [UInt8] {
        guard count >= 0, count <= remaining, let v = buffer.readBytes(length: count) else { throw truncated(field(), error) }
        return v
    }

    mutating func rest() -> [UInt8] {
        buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// A sub-reader over the next `count` bytes.
    mutating func slice(_ count: Int, _ field: @autoclosure () -> String, _ error: Notification) throws(BGPDecodingError) -> WireReader {
        let start = offset
        guard count >= 0, count <= remaining, let s = buffer.readSlice(length: count) else { throw truncated(field(), error) }
        return WireReader(s, base: start)
    }

    func truncated(_ field: String, _ error: Notification) -> BGPDecodingError {
        BGPDecodingError("truncated \(field): \(remaining) bytes left", offset: offset, notification: error)
    }

    func invalid(_ what: String, _ error: Notification) -> BGPDecodingError {
        BGPDecodingError(what, offset: offset, notification: error)
    }
}

extension ByteBuffer {
    @inline(__always)
    mutating func writeUInt24(_ v: UInt32) {
        writeInteger(UInt8(truncatingIfNeeded: v >> 16))
        writeInteger(UInt16(truncatingIfNeeded: v))
    }

    /// Writes a length placeholder, runs `body`, then fills the length in.
    /// Returns the length written so callers can check it fits.
    @discardableResult
    mutating func writeLengthPrefixed<T: FixedWidthInteger>(as: T.Type, _ body: (inout ByteBuffer) -> Void) -> Int {
        let at = writerIndex
        writeInteger(T(0))
        body(&self)
        let length = writerIndex - at - MemoryLayout<T>.size
        setInteger(T(truncatingIfNeeded: length), at: at)
        return length
    }
}

// Small values several attributes share.
extension WireReader {
    mutating func label(_ error: Notification) throws(BGPDecodingError) -> MPLSLabel {
        MPLSLabel(rawValue: try u24("label", error))
    }
    mutating func ipv4(_ error: Notification) throws(BGPDecodingError) -> IPv4Address {
        IPv4Address(rawValue: try u32("IPv4 address", error))
    }
}

extension ByteBuffer {
    mutating func write(_ label: MPLSLabel) { writeUInt24(label.rawValue) }
    mutating func write(_ a: IPv4Address) { writeInteger(a.rawValue) }
}
