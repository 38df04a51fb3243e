import NIOCore

import FieldReader

/// A cursor over one layer's bytes that turns every short read into a
/// `PacketError` naming the layer and the absolute offset, so decoders stay
/// total without checking lengths by hand at each field. Its verbs are
/// `FieldReading`'s; a packet error names the layer, not the field.
struct WireReader: FieldReading {
    var buffer: ByteBuffer
    /// Offset of `buffer`'s first readable byte within the outermost frame.
    let base: Int
    let layer: PacketLayer
    private let start: Int

    init(_ buffer: ByteBuffer, base: Int, layer: PacketLayer) {
        self.buffer = buffer
        self.base = base
        self.layer = layer
        self.start = buffer.readerIndex
    }

    /// Bytes consumed so far.
    var consumed: Int { buffer.readerIndex - start }
    /// Absolute offset of the next byte.
    var offset: Int { base + consumed }
    var remaining: Int { buffer.readableBytes }

    func error(_ reason: PacketError.Reason, at offset: Int? = nil) -> PacketError {
        PacketError(layer, reason, at: offset ?? self.offset)
    }

    func invalid(_ what: String, at offset: Int? = nil) -> PacketError {
        error(.invalidField(what), at: offset)
    }

    func shortField(_ field: String, needed: Int) -> PacketError {
        error(.truncated(needed: needed, available: buffer.readableBytes))
    }

    mutating func uncheckedInteger<T: FixedWidthInteger>(_: T.Type) -> T { buffer.readInteger(as: T.self) ?? 0 }
    mutating func uncheckedSkip(_ count: Int) { buffer.moveReaderIndex(forwardBy: count) }
    mutating func uncheckedBytes(_ count: Int) -> [UInt8] { buffer.readBytes(length: count) ?? [] }
    mutating func uncheckedSub(_ count: Int) -> WireReader {
        let at = offset
        return WireReader(buffer.readSlice(length: count) ?? ByteBuffer(), base: at, layer: layer)
    }

    mutating func ethernetAddress(_ field: @autoclosure () -> String) throws(PacketError) -> EthernetAddress {
        let high = try u16(field())
        return EthernetAddress(rawValue: UInt64(high) << 32 | UInt64(try u32(field())))
    }

    mutating func ipv4Address(_ field: @autoclosure () -> String) throws(PacketError) -> IPv4Address {
        IPv4Address(rawValue: try u32(field()))
    }

    mutating func ipv6Address(_ field: @autoclosure () -> String) throws(PacketError) -> IPv6Address {
        let high = try u64(field())
        return IPv6Address(high: high, low: try u64(field()))
    }

    /// A view of the next `count` bytes (shares storage, no copy).
    mutating func slice(_ count: Int, _ field: @autoclosure () -> String) throws(PacketError) -> ByteBuffer {
        try require(count, field())
        return buffer.readSlice(length: count) ?? ByteBuffer()
    }

    /// Everything left (shares storage, no copy).
    mutating func rest() -> ByteBuffer {
        buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
    }
}

extension ByteBuffer {
    mutating func writeEthernetAddress(_ address: EthernetAddress) {
        writeInteger(UInt16(truncatingIfNeeded: address.rawValue >> 32))
        writeInteger(UInt32(truncatingIfNeeded: address.rawValue))
    }

    mutating func writeIPv4Address(_ address: IPv4Address) {
        writeInteger(address.rawValue)
    }

    mutating func writeIPv6Address(_ address: IPv6Address) {
        writeInteger(address.high)
        writeInteger(address.low)
    }
}

extension UnsafeRawBufferPointer {
    // Big-endian loads for the fast paths; callers check `count` first
    // (loadUnaligned itself checks bounds only in debug builds).
    @inline(__always)
    func uint16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func uint32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func uint48(at offset: Int) -> UInt64 {
        UInt64(uint16(at: offset)) << 32 | UInt64(uint32(at: offset + 2))
    }
}
