import NIOCore

/// The 8-byte VXLAN header of RFC 7348 and the inner Ethernet frame after it.
public struct VXLANHeader: Sendable, Hashable {
    /// The flags byte; 0x08 (I, VNI valid) in every conforming packet.
    public var flags: UInt8
    /// The 24-bit VXLAN network identifier.
    public var vni: UInt32
    /// The encapsulated frame's bytes.
    public var inner: ByteBuffer

    public static let validVNIFlag: UInt8 = 0x08

    public init(vni: UInt32, inner: ByteBuffer) {
        self.flags = Self.validVNIFlag
        self.vni = vni & 0xff_ffff
        self.inner = inner
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .vxlan)
        try r.require(8, "VXLAN header")
        flags = try r.u8("flags")
        guard flags & Self.validVNIFlag != 0 else { throw r.invalid("flags 0x\(String(flags, radix: 16)) without the I bit", at: offset) }
        try r.skip(3, "reserved")
        vni = try r.u32("vni") >> 8
        inner = r.rest()
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(flags) << 24)
        buffer.writeInteger(vni << 8)
        buffer.writeImmutableBuffer(inner)
    }
}
