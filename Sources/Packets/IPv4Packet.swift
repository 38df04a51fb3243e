import NIOCore

/// An IPv4 datagram (RFC 791): header fields, options and payload as views
/// of the input. The payload is cut at Total Length, so Ethernet padding of
/// short frames never reaches the transport decoder.
public struct IPv4Packet: Sendable, Hashable {
    public var dscp: UInt8
    public var ecn: UInt8
    public var totalLength: UInt16
    public var identification: UInt16
    /// The reserved flag bit (must be zero; kept so a packet writes back as read).
    public var reservedFlag: Bool
    public var dontFragment: Bool
    public var moreFragments: Bool
    /// In 8-byte units.
    public var fragmentOffset: UInt16
    public var timeToLive: UInt8
    public var `protocol`: IPProtocol
    public var headerChecksum: UInt16
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Options, already padded to a multiple of four bytes.
    public var options: ByteBuffer
    public var payload: ByteBuffer

    public init(source: IPv4Address, destination: IPv4Address, protocol proto: IPProtocol, payload: ByteBuffer,
                timeToLive: UInt8 = 64, identification: UInt16 = 0, dontFragment: Bool = true,
                dscp: UInt8 = 0, ecn: UInt8 = 0, options: ByteBuffer = ByteBuffer()) {
        self.dscp = dscp
        self.ecn = ecn
        self.identification = identification
        self.reservedFlag = false
        self.dontFragment = dontFragment
        self.moreFragments = false
        self.fragmentOffset = 0
        self.timeToLive = timeToLive
        self.protocol = proto
        self.source = source
        self.destination = destination
        self.options = options
        self.payload = payload
        self.totalLength = UInt16(truncatingIfNeeded: 20 + options.readableBytes + payload.readableBytes)
        self.headerChecksum = 0
        self.headerChecksum = computedHeaderChecksum
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        // Hot path: the fixed header in one pass over the raw bytes.
        let words = buffer.withUnsafeReadableBytes { raw -> (UInt32, UInt32, UInt32, UInt32, UInt32)? in
            guard raw.count >= 20 else { return nil }
            return (raw.uint32(at: 0), raw.uint32(at: 4), raw.uint32(at: 8), raw.uint32(at: 12), raw.uint32(at: 16))
        }
        guard let (w0, w1, w2, w3, w4) = words else {
            throw PacketError(.ipv4, .truncated(needed: 20, available: buffer.readableBytes), at: offset)
        }
        let version = w0 >> 28
        guard version == 4 else { throw PacketError(.ipv4, .invalidField("version \(version)"), at: offset) }
        let headerLength = Int((w0 >> 24) & 0x0f) * 4
        guard headerLength >= 20 else { throw PacketError(.ipv4, .invalidField("header length \(headerLength)"), at: offset) }
        dscp = UInt8(truncatingIfNeeded: w0 >> 18) & 0x3f
        ecn = UInt8(truncatingIfNeeded: w0 >> 16) & 0x3
        totalLength = UInt16(truncatingIfNeeded: w0)
        guard Int(totalLength) >= headerLength else {
            throw PacketError(.ipv4, .invalidField("total length \(totalLength)"), at: offset + 2)
        }
        guard Int(totalLength) <= buffer.readableBytes else {
            throw PacketError(.ipv4, .truncated(needed: Int(totalLength), available: buffer.readableBytes), at: offset)
        }
        identification = UInt16(truncatingIfNeeded: w1 >> 16)
        reservedFlag = w1 & 0x8000 != 0
        dontFragment = w1 & 0x4000 != 0
        moreFragments = w1 & 0x2000 != 0
        fragmentOffset = UInt16(truncatingIfNeeded: w1) & 0x1fff
        timeToLive = UInt8(truncatingIfNeeded: w2 >> 24)
        self.protocol = IPProtocol(rawValue: UInt8(truncatingIfNeeded: w2 >> 16))
        headerChecksum = UInt16(truncatingIfNeeded: w2)
        source = IPv4Address(rawValue: w3)
        destination = IPv4Address(rawValue: w4)
        // Both lengths were checked against the readable bytes above.
        let base = buffer.readerIndex
        // Most packets carry no options: an empty buffer costs no reference to the frame's storage.
        options = headerLength == 20 ? ByteBuffer() : buffer.getSlice(at: base + 20, length: headerLength - 20) ?? ByteBuffer()
        payload = buffer.getSlice(at: base + headerLength, length: Int(totalLength) - headerLength) ?? ByteBuffer()
    }

    public var headerLength: Int { 20 + options.readableBytes }

    /// The checksum the header should carry (computed with the field as zero).
    public var computedHeaderChecksum: UInt16 {
        var c = InternetChecksum()
        c.add(UInt16(0x40 | (headerLength / 4) & 0x0f) << 8 | UInt16(dscp & 0x3f) << 2 | UInt16(ecn & 3))
        c.add(totalLength)
        c.add(identification)
        c.add(flagsAndFragment)
        c.add(UInt16(timeToLive) << 8 | UInt16(self.protocol.rawValue))
        c.add(source)
        c.add(destination)
        c.add(options)
        return c.value
    }

    public var isHeaderChecksumValid: Bool { computedHeaderChecksum == headerChecksum }

    /// True for the second and later fragments, whose payload is not a transport header.
    public var isNonInitialFragment: Bool { fragmentOffset != 0 }

    private var flagsAndFragment: UInt16 {
        (reservedFlag ? 0x8000 : 0) | (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1fff)
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x40 | UInt8(truncatingIfNeeded: headerLength / 4)))
        buffer.writeInteger(UInt8(truncatingIfNeeded: dscp << 2 | (ecn & 3)))
        buffer.writeInteger(totalLength)
        buffer.writeInteger(identification)
        buffer.writeInteger(flagsAndFragment)
        buffer.writeInteger(timeToLive)
        buffer.writeInteger(self.protocol.rawValue)
        buffer.writeInteger(headerChecksum)
        buffer.writeIPv4Address(source)
        buffer.writeIPv4Address(destination)
        buffer.writeImmutableBuffer(options)
        buffer.writeImmutableBuffer(payload)
    }
}
