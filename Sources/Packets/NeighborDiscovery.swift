import NIOCore

/// The link-layer address options of RFC 4861 §4.6.1 (the only ones an
/// overlay acts on); other options are skipped.
public struct NeighborDiscoveryOptions: Sendable, Hashable {
    public var sourceLinkLayerAddress: EthernetAddress?
    public var targetLinkLayerAddress: EthernetAddress?

    /// The option types (RFC 4861 §4.6).
    public static let sourceLinkLayerAddressType: UInt8 = 1
    public static let targetLinkLayerAddressType: UInt8 = 2

    public init(sourceLinkLayerAddress: EthernetAddress? = nil, targetLinkLayerAddress: EthernetAddress? = nil) {
        self.sourceLinkLayerAddress = sourceLinkLayerAddress
        self.targetLinkLayerAddress = targetLinkLayerAddress
    }

    init(decoding reader: inout WireReader) throws(PacketError) {
        while reader.remaining > 0 {
            let start = reader.offset
            try reader.require(2, "option type and length")
            let type = try reader.u8("type")
            let units = try reader.u8("units")
            // A zero length would loop forever; RFC 4861 says discard the packet.
            guard units > 0 else { throw reader.invalid("option length 0", at: start + 1) }
            var option = try reader.sub(Int(units) * 8 - 2, "option")
            switch type {
            case Self.sourceLinkLayerAddressType where units == 1: sourceLinkLayerAddress = try option.ethernetAddress("sourceLinkLayerAddress")
            case Self.targetLinkLayerAddressType where units == 1: targetLinkLayerAddress = try option.ethernetAddress("targetLinkLayerAddress")
            default: break
            }
        }
    }

    func write(to buffer: inout ByteBuffer) {
        for (type, address) in [(Self.sourceLinkLayerAddressType, sourceLinkLayerAddress),
                                 (Self.targetLinkLayerAddressType, targetLinkLayerAddress)] {
            guard let address else { continue }
            buffer.writeInteger(type)
            buffer.writeInteger(UInt8(1))
            buffer.writeEthernetAddress(address)
        }
    }
}

/// Neighbour solicitation (ICMPv6 type 135): who has `target`?
public struct NeighborSolicitation: Sendable, Hashable {
    public var target: IPv6Address
    public var options: NeighborDiscoveryOptions

    public init(target: IPv6Address, options: NeighborDiscoveryOptions = NeighborDiscoveryOptions()) {
        self.target = target
        self.options = options
    }

    /// Decodes the message body after the ICMPv6 checksum.
    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        (_, target, options) = try TargetMessageBody.decode(buffer, at: offset)
    }

    public var icmp: ICMPv6Packet {
        TargetMessageBody.icmp(type: ICMPv6Packet.neighborSolicitation, word: 0, target: target, options: options)
    }
}

/// Neighbour advertisement (ICMPv6 type 136): `target` is at this link address.
public struct NeighborAdvertisement: Sendable, Hashable {
    public var isRouter: Bool
    public var isSolicited: Bool
    public var isOverride: Bool
    public var target: IPv6Address
    public var options: NeighborDiscoveryOptions

    public init(target: IPv6Address, isRouter: Bool = false, isSolicited: Bool, isOverride: Bool = true,
                options: NeighborDiscoveryOptions = NeighborDiscoveryOptions()) {
        self.isRouter = isRouter
        self.isSolicited = isSolicited
        self.isOverride = isOverride
        self.target = target
        self.options = options
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        let flags: UInt32
        (flags, target, options) = try TargetMessageBody.decode(buffer, at: offset)
        isRouter = flags & Self.routerFlag != 0
        isSolicited = flags & Self.solicitedFlag != 0
        isOverride = flags & Self.overrideFlag != 0
    }

    /// The R, S and O bits of the 32 bits after the checksum (RFC 4861 §4.4).
    public static let routerFlag: UInt32 = 0x8000_0000
    public static let solicitedFlag: UInt32 = 0x4000_0000
    public static let overrideFlag: UInt32 = 0x2000_0000

    public var flags: UInt32 {
        (isRouter ? Self.routerFlag : 0) | (isSolicited ? Self.solicitedFlag : 0) | (isOverride ? Self.overrideFlag : 0)
    }

    public var icmp: ICMPv6Packet {
        TargetMessageBody.icmp(type: ICMPv6Packet.neighborAdvertisement, word: flags, target: target, options: options)
    }
}

/// The body neighbour solicitations and advertisements share (RFC 4861
/// §4.3, §4.4): 32 bits (reserved, or the advertisement's flags), the target
/// address, the options.
enum TargetMessageBody {
    static func decode(_ buffer: ByteBuffer, at offset: Int) throws(PacketError) -> (word: UInt32, target: IPv6Address, options: NeighborDiscoveryOptions) {
        var r = WireReader(buffer, base: offset, layer: .neighborDiscovery)
        try r.require(20, "ICMPv6 body")
        let word = try r.u32("reserved or flags")
        return (word, try r.ipv6Address("target"), try NeighborDiscoveryOptions(decoding: &r))
    }

    static func icmp(type: UInt8, word: UInt32, target: IPv6Address, options: NeighborDiscoveryOptions) -> ICMPv6Packet {
        var body = ByteBuffer()
        body.writeInteger(word)
        body.writeIPv6Address(target)
        options.write(to: &body)
        return ICMPv6Packet(type: type, body: body)
    }
}

/// Router advertisement (ICMPv6 type 134): the router's parameters and
/// options (its source link-layer address among them).
public struct RouterAdvertisement: Sendable, Hashable {
    public var currentHopLimit: UInt8
    public var isManaged: Bool
    public var isOtherConfiguration: Bool
    /// Seconds; 0 means "not a default router".
    public var routerLifetime: UInt16
    public var reachableTime: UInt32
    public var retransmitTimer: UInt32
    public var options: NeighborDiscoveryOptions

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .neighborDiscovery)
        try r.require(12, "router advertisement")
        currentHopLimit = try r.u8("currentHopLimit")
        let flags = try r.u8("flags")
        isManaged = flags & 0x80 != 0
        isOtherConfiguration = flags & 0x40 != 0
        routerLifetime = try r.u16("routerLifetime")
        reachableTime = try r.u32("reachableTime")
        retransmitTimer = try r.u32("retransmitTimer")
        options = try NeighborDiscoveryOptions(decoding: &r)
    }
}

public enum NeighborDiscoveryMessage: Sendable, Hashable {
    case solicitation(NeighborSolicitation)
    case advertisement(NeighborAdvertisement)
    /// Router solicitation (type 133): only options after a reserved word.
    case routerSolicitation(NeighborDiscoveryOptions)
    case routerAdvertisement(RouterAdvertisement)
}

extension NeighborDiscoveryOptions {
    /// The options of a router solicitation body (after its reserved word).
    static func routerSolicitation(decoding buffer: ByteBuffer, at offset: Int) throws(PacketError) -> NeighborDiscoveryOptions {
        var r = WireReader(buffer, base: offset, layer: .neighborDiscovery)
        try r.skip(4, "reserved")
        return try NeighborDiscoveryOptions(decoding: &r)
    }
}
