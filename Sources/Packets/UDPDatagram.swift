import NIOCore

/// A UDP datagram (RFC 768). The payload is cut at the Length field.
public struct UDPDatagram: Sendable, Hashable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var length: UInt16
    public var checksum: UInt16
    public var payload: ByteBuffer

    /// The IANA port of VXLAN (RFC 7348).
    public static let vxlanPort: UInt16 = 4789

    public init(sourcePort: UInt16, destinationPort: UInt16, payload: ByteBuffer) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = UInt16(truncatingIfNeeded: 8 + payload.readableBytes)
        self.checksum = 0
        self.payload = payload
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .udp)
        try r.require(8, "UDP header")
        sourcePort = try r.u16("sourcePort")
        destinationPort = try r.u16("destinationPort")
        length = try r.u16("length")
        checksum = try r.u16("checksum")
        guard length >= 8 else { throw r.invalid("length \(length)", at: offset + 4) }
        guard Int(length) <= buffer.readableBytes else {
            throw r.error(.truncated(needed: Int(length), available: buffer.readableBytes), at: offset)
        }
        payload = try r.slice(Int(length) - 8, "payload")
    }

    /// The checksum this datagram should carry between `source` and `destination`
    /// (0 is sent as 0xffff, RFC 768).
    public func computedChecksum(source: IPAddress, destination: IPAddress) -> UInt16 {
        var c = InternetChecksum()
        c.addPseudoHeader(source: source, destination: destination, protocol: .udp, length: 8 + payload.readableBytes)
        c.add(sourcePort)
        c.add(destinationPort)
        c.add(length)
        c.add(payload)
        let v = c.value
        return v == 0 ? 0xffff : v
    }

    /// Sets `checksum` for the given pseudo-header.
    public mutating func fillChecksum(source: IPAddress, destination: IPAddress) {
        checksum = computedChecksum(source: source, destination: destination)
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(sourcePort)
        buffer.writeInteger(destinationPort)
        buffer.writeInteger(length)
        buffer.writeInteger(checksum)
        buffer.writeImmutableBuffer(payload)
    }
}
