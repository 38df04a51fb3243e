import NIOCore

/// An ICMPv6 message (RFC 4443): type, code, checksum and the rest. Its
/// checksum covers an IPv6 pseudo-header, so computing it needs addresses.
public struct ICMPv6Packet: Sendable, Hashable {
    public var type: UInt8
    public var code: UInt8
    public var checksum: UInt16
    /// Everything after the checksum.
    public var body: ByteBuffer

    public static let echoRequest: UInt8 = 128
    public static let echoReply: UInt8 = 129
    public static let routerSolicitation: UInt8 = 133
    public static let routerAdvertisement: UInt8 = 134
    public static let neighborSolicitation: UInt8 = 135
    public static let neighborAdvertisement: UInt8 = 136

    public init(type: UInt8, code: UInt8 = 0, body: ByteBuffer) {
        self.type = type
        self.code = code
        self.checksum = 0
        self.body = body
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .icmpv6)
        try r.require(4, "ICMPv6 header")
        type = try r.u8("type")
        code = try r.u8("code")
        checksum = try r.u16("checksum")
        body = r.rest()
    }

    public func computedChecksum(source: IPv6Address, destination: IPv6Address) -> UInt16 {
        var c = InternetChecksum()
        c.addPseudoHeader(source: .v6(source), destination: .v6(destination), protocol: .icmpv6, length: 4 + body.readableBytes)
        c.add(UInt16(type) << 8 | UInt16(code))
        c.add(body)
        return c.value
    }

    public func isChecksumValid(source: IPv6Address, destination: IPv6Address) -> Bool {
        computedChecksum(source: source, destination: destination) == checksum
    }

    public mutating func fillChecksum(source: IPv6Address, destination: IPv6Address) {
        checksum = computedChecksum(source: source, destination: destination)
    }

    /// The neighbour discovery message this is, nil for other types.
    /// `offset` is where this ICMPv6 message sits in the frame, for errors.
    public func neighborDiscovery(at offset: Int = 0) throws(PacketError) -> NeighborDiscoveryMessage? {
        switch type {
        case Self.neighborSolicitation:
            return .solicitation(try NeighborSolicitation(decoding: body, at: offset + 4))
        case Self.neighborAdvertisement:
            return .advertisement(try NeighborAdvertisement(decoding: body, at: offset + 4))
        case Self.routerSolicitation:
            return .routerSolicitation(try NeighborDiscoveryOptions.routerSolicitation(decoding: body, at: offset + 4))
        case Self.routerAdvertisement:
            return .routerAdvertisement(try RouterAdvertisement(decoding: body, at: offset + 4))
        default:
            return nil
        }
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(code)
        buffer.writeInteger(checksum)
        buffer.writeImmutableBuffer(body)
    }
}
