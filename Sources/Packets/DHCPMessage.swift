import NIOCore

/// Just enough of DHCP (RFC 2131) to recognise it: the fixed fields that
/// identify a client and the message type option (53).
public struct DHCPMessage: Sendable, Hashable {
    /// 1 = BOOTREQUEST, 2 = BOOTREPLY.
    public var op: UInt8
    public var transactionID: UInt32
    public var clientAddress: IPv4Address
    public var yourAddress: IPv4Address
    public var clientHardwareAddress: EthernetAddress
    /// Option 53: 1 DISCOVER, 2 OFFER, 3 REQUEST, 5 ACK, ...; nil when absent.
    public var messageType: UInt8?

    public static let serverPort: UInt16 = 67
    public static let clientPort: UInt16 = 68
    static func isDHCPPort(_ port: UInt16) -> Bool { port == serverPort || port == clientPort }
    static let magicCookie: UInt32 = 0x6382_5363

    public init(decoding buffer: ByteBuffer, at offset: Int = 0) throws(PacketError) {
        var r = WireReader(buffer, base: offset, layer: .dhcp)
        try r.require(240)
        op = try r.u8()
        let htype = try r.u8()
        let hlen = try r.u8()
        _ = try r.u8()
        transactionID = try r.u32()
        try r.skip(4)
        clientAddress = try r.ipv4Address()
        yourAddress = try r.ipv4Address()
        try r.skip(8)
        let chaddr = try r.slice(16)
        clientHardwareAddress = .zero
        if htype == 1 && hlen == 6 {
            var hw = WireReader(chaddr, base: offset + 28, layer: .dhcp)
            clientHardwareAddress = try hw.ethernetAddress()
        }
        try r.skip(192)
        let cookie = try r.u32()
        guard cookie == Self.magicCookie else { throw r.invalid("magic cookie 0x\(String(cookie, radix: 16))", at: offset + 236) }
        messageType = nil
        // Options: code, length, value; 0 is padding and 255 ends them.
        while r.remaining > 0 {
            let code = try r.u8()
            if code == 0 { continue }
            if code == 255 { break }
            let length = Int(try r.u8())
            var value = WireReader(try r.slice(length), base: r.offset - length, layer: .dhcp)
            if code == 53, length >= 1 { messageType = try value.u8() }
        }
    }
}
