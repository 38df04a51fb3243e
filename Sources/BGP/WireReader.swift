import FieldReader
import NIOCore

/// A bounds-checked reader over wire bytes that knows where it is in the
/// message, so every decoding error can say at which offset it happened, and
/// which NOTIFICATION answers a field cut short here (RFC 4271 §6, RFC 7606):
/// the part of the message being read sets `notification`, sub-readers
/// inherit it. Its verbs are `FieldReading`'s.
struct WireReader: FieldReading {
    var buffer: ByteBuffer
    /// Offset of `buffer`'s index 0 within the message being decoded.
    let base: Int
    /// What a speaker sends when a field read here is cut short.
    var notification: Notification

    init(_ buffer: ByteBuffer, base: Int = 0, notification: Notification) {
        self.buffer = buffer
        self.base = base &- buffer.readerIndex
        self.notification = notification
    }

    var offset: Int { base &+ buffer.readerIndex }
    var remaining: Int { buffer.readableBytes }

    @inline(__always)
    mutating func uncheckedInteger<T: FixedWidthInteger>(_: T.Type) -> T { buffer.readInteger(as: T.self) ?? 0 }
    @inline(__always)
    mutating func uncheckedSkip(_ count: Int) { buffer.moveReaderIndex(forwardBy: count) }
    mutating func uncheckedBytes(_ count: Int) -> [UInt8] { buffer.readBytes(length: count) ?? [] }
    mutating func uncheckedSub(_ count: Int) -> WireReader {
        let start = offset
        return WireReader(buffer.readSlice(length: count) ?? ByteBuffer(), base: start, notification: notification)
    }

    func shortField(_ field: String, needed: Int) -> BGPDecodingError {
        BGPDecodingError("truncated \(field): \(remaining) bytes left", offset: offset, notification: notification)
    }

    mutating func rest() -> [UInt8] {
        buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    func invalid(_ what: String) -> BGPDecodingError {
        BGPDecodingError(what, offset: offset, notification: notification)
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
    mutating func label() throws(BGPDecodingError) -> MPLSLabel {
        MPLSLabel(rawValue: try u24("label"))
    }
    mutating func ipv4() throws(BGPDecodingError) -> IPv4Address {
        IPv4Address(rawValue: try u32("IPv4 address"))
    }
}

extension ByteBuffer {
    mutating func write(_ label: MPLSLabel) { writeUInt24(label.rawValue) }
    mutating func write(_ a: IPv4Address) { writeInteger(a.rawValue) }
}
