import NIOCore

/// UPDATEs that differ only in the NLRI of their last attribute,
/// MP_REACH_NLRI or MP_UNREACH_NLRI (RFC 4760): the rest is encoded once,
/// and each message is that prefix with its NLRI written after it. The bytes
/// are those `BGPMessage.update(_:).encode` gives the same UPDATE with the
/// NLRI in place (the attribute turns to a 2-octet length past 255 octets).
public struct MultiprotocolUpdateTemplate: Sendable {
    /// The message with no NLRI.
    private let prefix: ByteBuffer
    /// Where the multiprotocol attribute starts in `prefix`, and its value.
    private let attributeAt: Int
    private let valueAt: Int
    /// The attribute's flags as sent, and whether they give a 2-octet length already.
    private let flags: UInt8
    private let extended: Bool

    /// `update` must carry no withdrawn routes and no classic NLRI, and end
    /// with its multiprotocol attribute, which holds no NLRI. Nil otherwise.
    public init?(_ update: Update, options: SessionOptions) {
        guard update.withdrawnRoutes.isEmpty, update.nlri.isEmpty, let last = update.attributes.attributes.last,
              let empty = last.multiprotocolValueLength, last.multiprotocolNLRICount == 0 else { return nil }
        var b = ByteBuffer()
        BGPMessage.update(update).encode(into: &b, options: options)
        flags = last.flags.rawValue
        extended = last.flags.contains(.extendedLength) || empty > 255
        valueAt = b.readableBytes - empty
        attributeAt = valueAt - (extended ? 4 : 3)
        prefix = b
    }

    private func longForm(_ nlriLength: Int) -> Bool { !extended && valueLength(nlriLength) > 255 }
    private func valueLength(_ nlriLength: Int) -> Int { prefix.readableBytes - valueAt + nlriLength }

    /// The encoded length of the message carrying NLRI of `nlriLength` octets in all.
    public func length(nlriLength: Int) -> Int { prefix.readableBytes + nlriLength + (longForm(nlriLength) ? 1 : 0) }

    /// Appends one message whose NLRI, `nlriLength` octets in all, the
    /// caller writes next (`NLRI.encode(into:)`), right after this returns.
    public func writeHead(nlriLength: Int, into b: inout ByteBuffer) {
        let start = b.writerIndex
        let long = longForm(nlriLength)
        let total = length(nlriLength: nlriLength)
        b.writeImmutableBuffer(prefix.getSlice(at: prefix.readerIndex, length: attributeAt)!)
        b.setInteger(UInt16(truncatingIfNeeded: total), at: start + 16)
        // Total path attribute length, after the 2-octet withdrawn routes length (0).
        let attributesLength = prefix.getInteger(at: prefix.readerIndex + 21, as: UInt16.self)!
        b.setInteger(attributesLength &+ UInt16(truncatingIfNeeded: nlriLength + (long ? 1 : 0)), at: start + 21)
        let typeCode = prefix.getInteger(at: prefix.readerIndex + attributeAt + 1, as: UInt8.self)!
        if long || extended {
            b.writeInteger(flags | AttributeFlags.extendedLength.rawValue)
            b.writeInteger(typeCode)
            b.writeInteger(UInt16(truncatingIfNeeded: valueLength(nlriLength)))
        } else {
            b.writeInteger(flags)
            b.writeInteger(typeCode)
            b.writeInteger(UInt8(truncatingIfNeeded: valueLength(nlriLength)))
        }
        b.writeImmutableBuffer(prefix.getSlice(at: prefix.readerIndex + valueAt, length: prefix.readableBytes - valueAt)!)
    }
}

extension PathAttribute {
    /// NLRI in MP_REACH_NLRI / MP_UNREACH_NLRI; nil for other attributes.
    var multiprotocolNLRICount: Int? {
        switch value {
        case .mpReachNLRI(let m): m.nlri.count
        case .mpUnreachNLRI(let m): m.nlri.count
        default: nil
        }
    }
}
