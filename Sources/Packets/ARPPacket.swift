import NIOCore

/// ARP operation code (RFC 826).
public struct ARPOperation: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let request = ARPOperation(rawValue: 1)
    public static let reply = ARPOperation(rawValue: 2)
    public var description: String {
        switch self {
        case .request: return "request"
        case .reply: return "reply"
        default: return String(rawValue)
        }
    }
}

/// An ARP packet for IPv4 over Ethernet, the only kind an L2 overlay sees.
public struct ARPPacket: Sendable, Hashable {
    public var operation: ARPOperation
    public var senderHardwareAddress: EthernetAddress
    public var senderProtocolAddress: IPv4Address
    public var targetHardwareAddress: EthernetAddress
    public var targetProtocolAddress: IPv4Address

    public static let length = 28

    public init(operation: ARPOperation, senderHardwareAddress: EthernetAddress, senderProtocolAddress: IPv4Address,
                targetHardwareAddress: EthernetAddress, targetProtocolAddress: IPv4Address) {
        self.operation = operation
        self.senderHardwareAddress = senderHardwareAddress
        self.senderProtocolAddress = senderProtocolAddress
        self.targetHardwareAddress = targetHardwareAddress
        self.targetProtocolAddress = targetProtocolAddress
    }

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        // Hot path (every ARP is a packet-in): one pass over the raw bytes.
        let fields = buffer.withUnsafeReadableBytes { raw -> (UInt16, UInt16, UInt8, UInt8, UInt16, UInt64, UInt32, UInt64, UInt32)? in
            guard raw.count >= Self.length else { return nil }
            return (raw.uint16(at: 0), raw.uint16(at: 2), raw[4], raw[5], raw.uint16(at: 6),
                    raw.uint48(at: 8), raw.uint32(at: 14), raw.uint48(at: 18), raw.uint32(at: 24))
        }
        guard let (htype, ptype, hlen, plen, op, sha, spa, tha, tpa) = fields else {
            // Say which field is missing, as the field-by-field reader would.
            let n = buffer.readableBytes
            throw PacketError(.arp, .truncated(needed: Self.length, available: n), at: offset + (n < 8 ? 0 : 8))
        }
        guard htype == 1 else { throw PacketError(.arp, .unsupported("hardware type \(htype)"), at: offset) }
        guard ptype == EtherType.ipv4.rawValue else { throw PacketError(.arp, .unsupported("protocol type \(ptype)"), at: offset + 2) }
        guard hlen == 6 else { throw PacketError(.arp, .invalidField("hardware address length \(hlen)"), at: offset + 4) }
        guard plen == 4 else { throw PacketError(.arp, .invalidField("protocol address length \(plen)"), at: offset + 5) }
        operation = ARPOperation(rawValue: op)
        senderHardwareAddress = EthernetAddress(rawValue: sha)
        senderProtocolAddress = IPv4Address(rawValue: spa)
        targetHardwareAddress = EthernetAddress(rawValue: tha)
        targetProtocolAddress = IPv4Address(rawValue: tpa)
    }

    /// A gratuitous ARP announces the sender's own binding: sender and target
    /// protocol addresses are the same.
    public var isGratuitous: Bool { senderProtocolAddress == targetProtocolAddress }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(1))
        buffer.writeInteger(EtherType.ipv4.rawValue)
        buffer.writeInteger(UInt8(6))
        buffer.writeInteger(UInt8(4))
        buffer.writeInteger(operation.rawValue)
        buffer.writeEthernetAddress(senderHardwareAddress)
        buffer.writeIPv4Address(senderProtocolAddress)
        buffer.writeEthernetAddress(targetHardwareAddress)
        buffer.writeIPv4Address(targetProtocolAddress)
    }

    /// The reply to this request, stating that `hardwareAddress` owns the
    /// requested IP; nil when this is not a request.
    public func reply(hardwareAddress: EthernetAddress) -> ARPPacket? {
        guard operation == .request else { return nil }
        return ARPPacket(operation: .reply,
                         senderHardwareAddress: hardwareAddress, senderProtocolAddress: targetProtocolAddress,
                         targetHardwareAddress: senderHardwareAddress, targetProtocolAddress: senderProtocolAddress)
    }

    /// A gratuitous ARP request announcing that `hardwareAddress` owns `address`.
    public static func gratuitous(hardwareAddress: EthernetAddress, address: IPv4Address) -> ARPPacket {
        ARPPacket(operation: .request,
                  senderHardwareAddress: hardwareAddress, senderProtocolAddress: address,
                  targetHardwareAddress: .zero, targetProtocolAddress: address)
    }
}
