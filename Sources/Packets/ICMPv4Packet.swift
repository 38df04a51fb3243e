import NIOCore

/// An ICMP (v4) message: type, code, checksum, the 4-byte rest of header
/// and the body. Echo request/reply expose identifier and sequence number.
public struct ICMPv4Packet: Sendable, Hashable {
    public var type: UInt8
    public var code: UInt8
    public var checksum: UInt16
    /// The 4 bytes after the checksum (identifier and sequence for echo).
    public var restOfHeader: UInt32
    public var body: ByteBuffer

    public static let echoReply: UInt8 = 0
    public static let echoRequest: UInt8 = 8

    public init(type: UInt8, code: UInt8 = 0, restOfHeader: UInt32, body: ByteBuffer) {
        self.type = type
        self.code = code
        self.restOfHeader = restOfHeader
        self.body = body
        self.checksum = 0
        self.checksum = computedChecksum
    }

    /// An echo request or reply.
    public static func echo(request: Bool, identifier: UInt16, sequence: UInt16, data: ByteBuffer) -> ICMPv4Packet {
        ICMPv4Packet(type: request ? echoRequest : echoReply, restOfHeader: UInt32(identifier) << 16 | UInt32(sequence), body: data)
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .icmpv4)
        try r.require(8, "ICMP header")
        type = try r.u8("type")
        code = try r.u8("code")
        checksum = try r.u16("checksum")
        restOfHeader = try r.u32("restOfHeader")
        body = r.rest()
    }

    public var isEcho: Bool { type == Self.echoRequest || type == Self.echoReply }
    public var identifier: UInt16 { UInt16(truncatingIfNeeded: restOfHeader >> 16) }
    public var sequenceNumber: UInt16 { UInt16(truncatingIfNeeded: restOfHeader) }

    /// The checksum over the message with the field as zero.
    public var computedChecksum: UInt16 {
        var c = InternetChecksum()
        c.add(UInt16(type) << 8 | UInt16(code))
        c.add(restOfHeader)
        c.add(body)
        return c.value
    }

    public var isChecksumValid: Bool { computedChecksum == checksum }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(code)
        buffer.writeInteger(checksum)
        buffer.writeInteger(restOfHeader)
        buffer.writeImmutableBuffer(body)
    }
}
