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
        var r = WireReader(buffer, base: offset, layer: .ipv4)
        try r.require(20)
        let versionIHL = try r.u8()
        guard versionIHL >> 4 == 4 else { throw r.invalid("version \(versionIHL >> 4)", at: offset) }
        let headerLength = Int(versionIHL & 0x0f) * 4
        guard headerLength >= 20 else { throw r.invalid("header length \(headerLength)", at: offset) }
        let tos = try r.u8()
        dscp = tos >> 2
        ecn = tos & 0x3
        totalLength = try r.u16()
        guard Int(totalLength) >= headerLength else { throw r.invalid("total length \(totalLength)", at: offset + 2) }
        guard Int(totalLength) <= buffer.readableBytes else {
            throw r.error(.truncated(needed: Int(totalLength), available: buffer.readableBytes), at: offset)
        }
        identification = try r.u16()
        let flagsFragment = try r.u16()
        reservedFlag = flagsFragment & 0x8000 != 0
        dontFragment = flagsFragment & 0x4000 != 0
        moreFragments = flagsFragment & 0x2000 != 0
        fragmentOffset = flagsFragment & 0x1fff
        timeToLive = try r.u8()
        self.protocol = IPProtocol(rawValue: try r.u8())
        headerChecksum = try r.u16()
        source = try r.ipv4Address()
        destination = try r.ipv4Address()
        options = try r.slice(headerLength - 20)
        payload = try r.slice(Int(totalLength) - headerLength)
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
        var o = options
        buffer.writeBuffer(&o)
        var p = payload
        buffer.writeBuffer(&p)
    }
}
