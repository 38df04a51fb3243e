import NIOCore

/// An Ethernet II frame: addresses, up to two VLAN tags (802.1Q, or QinQ
/// with an 802.1ad outer tag), the ethertype of the payload and the payload
/// itself as a view of the input (no copy).
public struct EthernetFrame: Sendable, Hashable {
    public var destination: EthernetAddress
    public var source: EthernetAddress
    /// First tag on the wire (the service tag in QinQ).
    public var outerTag: VLANTag?
    /// Second tag on the wire (the customer tag in QinQ).
    public var innerTag: VLANTag?
    /// The type of `payload`. Values below 0x0600 are an 802.3 length.
    /// A third stacked tag is left in the payload with this set to its TPID.
    public var etherType: EtherType
    public var payload: ByteBuffer
    /// Where `payload` starts in the decoded buffer (header length).
    public var payloadOffset: Int

    public init(destination: EthernetAddress, source: EthernetAddress, outerTag: VLANTag? = nil,
                innerTag: VLANTag? = nil, etherType: EtherType, payload: ByteBuffer) {
        self.destination = destination
        self.source = source
        self.outerTag = outerTag
        self.innerTag = innerTag
        self.etherType = etherType
        self.payload = payload
        self.payloadOffset = 14 + (outerTag == nil ? 0 : 4) + (innerTag == nil ? 0 : 4)
    }

    /// Decodes the frame in `buffer`'s readable bytes; `offset` is where
    /// those bytes sit in the outermost buffer, for error offsets.
    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .ethernet)
        try r.require(14)
        destination = try r.ethernetAddress()
        source = try r.ethernetAddress()
        var type = EtherType(rawValue: try r.u16())
        outerTag = nil
        innerTag = nil
        if type.isVLANTag {
            outerTag = VLANTag(tpid: type, tci: try r.u16())
            type = EtherType(rawValue: try r.u16())
            if type.isVLANTag {
                innerTag = VLANTag(tpid: type, tci: try r.u16())
                type = EtherType(rawValue: try r.u16())
            }
        }
        etherType = type
        payloadOffset = r.consumed
        payload = r.rest()
    }

    /// VLAN ids outermost first (empty, one, or two for QinQ).
    public var vlanIDs: [UInt16] { [outerTag, innerTag].compactMap { $0?.vid } }

    /// Header bytes before the payload.
    public var headerLength: Int { 14 + (outerTag == nil ? 0 : 4) + (innerTag == nil ? 0 : 4) }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeEthernetAddress(destination)
        buffer.writeEthernetAddress(source)
        for tag in [outerTag, innerTag].compactMap({ $0 }) {
            buffer.writeInteger(tag.tpid.rawValue)
            buffer.writeInteger(tag.tci)
        }
        buffer.writeInteger(etherType.rawValue)
        var body = payload
        buffer.writeBuffer(&body)
    }

    /// The frame's bytes.
    public var bytes: ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(headerLength + payload.readableBytes)
        write(to: &out)
        return out
    }
}
