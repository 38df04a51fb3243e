import NIOCore

/// A cursor over one layer's bytes that turns every short read into a
/// `PacketError` naming the layer and the absolute offset, so decoders stay
/// total without checking lengths by hand at each field.
struct WireReader {
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

    /// Fails unless `count` bytes remain.
    func require(_ count: Int) throws(PacketError) {
        if buffer.readableBytes < count {
            throw error(.truncated(needed: count, available: buffer.readableBytes))
        }
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(PacketError) -> T {
        guard let value = buffer.readInteger(as: T.self) else {
            throw error(.truncated(needed: MemoryLayout<T>.size, available: buffer.readableBytes))
        }
        return value
    }

    mutating func u8() throws(PacketError) -> UInt8 { try integer() }
    mutating func u16() throws(PacketError) -> UInt16 { try integer() }
    mutating func u32() throws(PacketError) -> UInt32 { try integer() }

    mutating func ethernetAddress() throws(PacketError) -> EthernetAddress {
        let high: UInt16 = try integer()
        let low: UInt32 = try integer()
        return EthernetAddress(rawValue: UInt64(high) << 32 | UInt64(low))
    }

    mutating func ipv4Address() throws(PacketError) -> IPv4Address {
        IPv4Address(rawValue: try integer())
    }

    mutating func ipv6Address() throws(PacketError) -> IPv6Address {
        let high: UInt64 = try integer()
        let low: UInt64 = try integer()
        return IPv6Address(high: high, low: low)
    }

    mutating func skip(_ count: Int) throws(PacketError) {
        try require(count)
        buffer.moveReaderIndex(forwardBy: count)
    }

    /// A view of the next `count` bytes (shares storage, no copy).
    mutating func slice(_ count: Int) throws(PacketError) -> ByteBuffer {
        guard count >= 0, let s = buffer.readSlice(length: count) else {
            throw error(.truncated(needed: count, available: buffer.readableBytes))
        }
        return s
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
