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
        var r = WireReader(buffer, base: offset, layer: .arp)
        try r.require(8)
        let htype = try r.u16()
        guard htype == 1 else { throw r.error(.unsupported("hardware type \(htype)"), at: offset) }
        let ptype = try r.u16()
        guard ptype == EtherType.ipv4.rawValue else { throw r.error(.unsupported("protocol type \(ptype)"), at: offset + 2) }
        let hlen = try r.u8()
        guard hlen == 6 else { throw r.invalid("hardware address length \(hlen)", at: offset + 4) }
        let plen = try r.u8()
        guard plen == 4 else { throw r.invalid("protocol address length \(plen)", at: offset + 5) }
        operation = ARPOperation(rawValue: try r.u16())
        try r.require(20)
        senderHardwareAddress = try r.ethernetAddress()
        senderProtocolAddress = try r.ipv4Address()
        targetHardwareAddress = try r.ethernetAddress()
        targetProtocolAddress = try r.ipv4Address()
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
