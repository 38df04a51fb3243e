import NIOCore

/// An IPv6 packet (RFC 8200). Extension headers are walked and skipped:
/// `upperLayerProtocol` and `payload` are what follows the last one.
public struct IPv6Packet: Sendable, Hashable {
    public var trafficClass: UInt8
    public var flowLabel: UInt32
    public var payloadLength: UInt16
    /// The Next Header field of the fixed header.
    public var nextHeader: IPProtocol
    public var hopLimit: UInt8
    public var source: IPv6Address
    public var destination: IPv6Address
    /// The protocol after every extension header (or the first one not skippable, such as ESP).
    public var upperLayerProtocol: IPProtocol
    /// Bytes of extension headers skipped.
    public var extensionHeadersLength: Int
    /// Set when a Fragment header was seen: offset in 8-byte units.
    public var fragmentOffset: UInt16?
    /// The upper-layer bytes.
    public var payload: ByteBuffer

    public init(source: IPv6Address, destination: IPv6Address, nextHeader: IPProtocol, payload: ByteBuffer,
                hopLimit: UInt8 = 64, trafficClass: UInt8 = 0, flowLabel: UInt32 = 0) {
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel & 0xf_ffff
        self.payloadLength = UInt16(truncatingIfNeeded: payload.readableBytes)
        self.nextHeader = nextHeader
        self.hopLimit = hopLimit
        self.source = source
        self.destination = destination
        self.upperLayerProtocol = nextHeader
        self.extensionHeadersLength = 0
        self.fragmentOffset = nil
        self.payload = payload
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .ipv6)
        try r.require(40, "IPv6 header")
        let first = try r.u32("first")
        guard first >> 28 == 6 else { throw r.invalid("version \(first >> 28)", at: offset) }
        trafficClass = UInt8(truncatingIfNeeded: first >> 20)
        flowLabel = first & 0xf_ffff
        payloadLength = try r.u16("payloadLength")
        nextHeader = IPProtocol(rawValue: try r.u8("next header"))
        hopLimit = try r.u8("hopLimit")
        source = try r.ipv6Address("source")
        destination = try r.ipv6Address("destination")
        guard Int(payloadLength) <= r.remaining else {
            throw r.error(.truncated(needed: 40 + Int(payloadLength), available: buffer.readableBytes), at: offset)
        }
        var body = WireReader(try r.slice(Int(payloadLength), "payload"), base: offset + 40, layer: .ipv6ExtensionHeader)
        var next = nextHeader
        var fragment: UInt16? = nil
        // Each header consumes at least 8 bytes, so the walk ends within the payload.
        walk: while fragment == nil || fragment == 0 {
            switch next {
            case .hopByHop, .ipv6Routing, .ipv6DestinationOptions, .mobility, .hostIdentity, .shim6, .authenticationHeader:
                try body.require(2, "extension header")
                let following = IPProtocol(rawValue: try body.u8("next header"))
                let units = Int(try body.u8("units"))
                // AH counts 4-byte words minus two (RFC 4302); the others 8-byte units minus one.
                let length = next == .authenticationHeader ? (units + 2) * 4 : (units + 1) * 8
                try body.skip(length - 2, "extension header")
                next = following
            case .ipv6Fragment:
                try body.require(8, "fragment header")
                let following = IPProtocol(rawValue: try body.u8("next header"))
                _ = try body.u8("reserved")
                let offsetFlags = try body.u16("offsetFlags")
                _ = try body.u32("identification")
                fragment = offsetFlags >> 3
                next = following
            default:
                break walk
            }
        }
        upperLayerProtocol = next
        fragmentOffset = fragment
        extensionHeadersLength = body.consumed
        payload = body.rest()
    }

    /// The offset of `payload` from the start of the IPv6 header.
    public var payloadOffset: Int { 40 + extensionHeadersLength }

    /// True for the second and later fragments, whose payload is not a transport header.
    public var isNonInitialFragment: Bool { (fragmentOffset ?? 0) != 0 }

    /// Writes the fixed header and the payload (built packets carry no extension headers).
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(6) << 28 | UInt32(trafficClass) << 20 | (flowLabel & 0xf_ffff))
        buffer.writeInteger(UInt16(truncatingIfNeeded: payload.readableBytes))
        buffer.writeInteger(nextHeader.rawValue)
        buffer.writeInteger(hopLimit)
        buffer.writeIPv6Address(source)
        buffer.writeIPv6Address(destination)
        buffer.writeImmutableBuffer(payload)
    }
}
