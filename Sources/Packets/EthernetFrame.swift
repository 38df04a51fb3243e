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

    public init(destination: EthernetAddress, source: EthernetAddress, outerTag: VLANTag? = nil,
                innerTag: VLANTag? = nil, etherType: EtherType, payload: ByteBuffer) {
        self.destination = destination
        self.source = source
        self.outerTag = outerTag
        self.innerTag = innerTag
        self.etherType = etherType
        self.payload = payload
    }

    /// Decodes the frame in `buffer`'s readable bytes; `offset` is where
    /// those bytes sit in the outermost buffer, for error offsets.
    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        // The hottest decoder: one pass over the raw bytes with explicit
        // length checks instead of a bounds-checked read per field.
        let header = buffer.withUnsafeReadableBytes { raw -> (fields: RawHeader?, needed: Int) in
            let n = raw.count
            guard n >= 14 else { return (nil, 14) }
            var h = RawHeader(destination: raw.uint48(at: 0), source: raw.uint48(at: 6), types: (raw.uint16(at: 12), 0, 0),
                              tcis: (0, 0), length: 14)
            if EtherType(rawValue: h.types.0).isVLANTag {
                guard n >= 18 else { return (nil, 18) }
                h.tcis.0 = raw.uint16(at: 14)
                h.types.1 = raw.uint16(at: 16)
                h.length = 18
                if EtherType(rawValue: h.types.1).isVLANTag {
                    guard n >= 22 else { return (nil, 22) }
                    h.tcis.1 = raw.uint16(at: 18)
                    h.types.2 = raw.uint16(at: 20)
                    h.length = 22
                }
            }
            return (h, h.length)
        }
        guard let h = header.fields else {
            let at = header.needed == 14 ? offset : offset + header.needed - 4
            throw PacketError(.ethernet, .truncated(needed: header.needed, available: buffer.readableBytes), at: at)
        }
        destination = EthernetAddress(rawValue: h.destination)
        source = EthernetAddress(rawValue: h.source)
        switch h.length {
        case 14:
            outerTag = nil
            innerTag = nil
            etherType = EtherType(rawValue: h.types.0)
        case 18:
            outerTag = VLANTag(tpid: EtherType(rawValue: h.types.0), tci: h.tcis.0)
            innerTag = nil
            etherType = EtherType(rawValue: h.types.1)
        default:
            outerTag = VLANTag(tpid: EtherType(rawValue: h.types.0), tci: h.tcis.0)
            innerTag = VLANTag(tpid: EtherType(rawValue: h.types.1), tci: h.tcis.1)
            etherType = EtherType(rawValue: h.types.2)
        }
        payload = buffer.getSlice(at: buffer.readerIndex + h.length, length: buffer.readableBytes - h.length) ?? ByteBuffer()
    }

    private struct RawHeader {
        var destination: UInt64
        var source: UInt64
        var types: (UInt16, UInt16, UInt16)
        var tcis: (UInt16, UInt16)
        var length: Int
    }

    /// VLAN ids outermost first (empty, one, or two for QinQ).
    public var vlanIDs: [UInt16] { [outerTag, innerTag].compactMap { $0?.vid } }

    /// Header bytes before the payload.
    public var headerLength: Int { 14 + (outerTag == nil ? 0 : 4) + (innerTag == nil ? 0 : 4) }

    /// Where `payload` starts in the frame (the header length), for the
    /// offsets of the layers decoded from it.
    public var payloadOffset: Int { headerLength }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeEthernetAddress(destination)
        buffer.writeEthernetAddress(source)
        for tag in [outerTag, innerTag].compactMap({ $0 }) {
            buffer.writeInteger(tag.tpid.rawValue)
            buffer.writeInteger(tag.tci)
        }
        buffer.writeInteger(etherType.rawValue)
        buffer.writeImmutableBuffer(payload)
    }

    /// The frame's bytes.
    public var bytes: ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(headerLength + payload.readableBytes)
        write(to: &out)
        return out
    }
}
