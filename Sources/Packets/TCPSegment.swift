import NIOCore

/// TCP header flag bits (RFC 9293, plus ECE/CWR and the old NS bit).
public struct TCPFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    public static let ns = TCPFlags(rawValue: 0x100)
}

/// A TCP segment: header fields, options kept as raw bytes (not
/// interpreted; the checksum covers them), payload as a view.
public struct TCPSegment: Sendable, Hashable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    /// Option bytes, padded to a multiple of four.
    public var options: ByteBuffer
    public var payload: ByteBuffer

    public init(sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32, acknowledgmentNumber: UInt32 = 0,
                flags: TCPFlags, window: UInt16 = 65535, payload: ByteBuffer = ByteBuffer()) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.checksum = 0
        self.urgentPointer = 0
        self.options = ByteBuffer()
        self.payload = payload
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .tcp)
        try r.require(20, "TCP header")
        sourcePort = try r.u16("sourcePort")
        destinationPort = try r.u16("destinationPort")
        sequenceNumber = try r.u32("sequenceNumber")
        acknowledgmentNumber = try r.u32("acknowledgmentNumber")
        let offsetFlags = try r.u16("offsetFlags")
        let headerLength = Int(offsetFlags >> 12) * 4
        flags = TCPFlags(rawValue: offsetFlags & 0x01ff)
        window = try r.u16("window")
        checksum = try r.u16("checksum")
        urgentPointer = try r.u16("urgentPointer")
        guard headerLength >= 20 else { throw r.invalid("data offset \(headerLength / 4)", at: offset + 12) }
        options = try r.slice(headerLength - 20, "options")
        payload = r.rest()
    }

    /// Sequence space the segment occupies: payload plus one each for SYN and FIN.
    public var sequenceLength: UInt32 {
        UInt32(truncatingIfNeeded: payload.readableBytes) &+ (flags.contains(.syn) ? 1 : 0) &+ (flags.contains(.fin) ? 1 : 0)
    }

    public func computedChecksum(source: IPAddress, destination: IPAddress) -> UInt16 {
        var c = InternetChecksum()
        c.addPseudoHeader(source: source, destination: destination, protocol: .tcp,
                          length: 20 + options.readableBytes + payload.readableBytes)
        c.add(sourcePort)
        c.add(destinationPort)
        c.add(sequenceNumber)
        c.add(acknowledgmentNumber)
        c.add(dataOffsetAndFlags)
        c.add(window)
        c.add(urgentPointer)
        c.add(options)
        c.add(payload)
        return c.value
    }

    public mutating func fillChecksum(source: IPAddress, destination: IPAddress) {
        checksum = computedChecksum(source: source, destination: destination)
    }

    /// Header length in bytes (data offset × 4).
    public var headerLength: Int { 20 + options.readableBytes }

    private var dataOffsetAndFlags: UInt16 {
        UInt16(truncatingIfNeeded: (20 + options.readableBytes) / 4) << 12 | (flags.rawValue & 0x01ff)
    }

    /// Writes the header, options and payload.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(sourcePort)
        buffer.writeInteger(destinationPort)
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(acknowledgmentNumber)
        buffer.writeInteger(dataOffsetAndFlags)
        buffer.writeInteger(window)
        buffer.writeInteger(checksum)
        buffer.writeInteger(urgentPointer)
        buffer.writeImmutableBuffer(options)
        buffer.writeImmutableBuffer(payload)
    }
}
