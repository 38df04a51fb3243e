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
        try r.require(240, "BOOTP header")
        op = try r.u8("op")
        let htype = try r.u8("htype")
        let hlen = try r.u8("hlen")
        _ = try r.u8("hops")
        transactionID = try r.u32("transactionID")
        try r.skip(4, "secs and flags")
        clientAddress = try r.ipv4Address("clientAddress")
        yourAddress = try r.ipv4Address("yourAddress")
        try r.skip(8, "siaddr and giaddr")
        let chaddr = try r.slice(16, "chaddr")
        clientHardwareAddress = .zero
        if htype == 1 && hlen == 6 {
            var hw = WireReader(chaddr, base: offset + 28, layer: .dhcp)
            clientHardwareAddress = try hw.ethernetAddress("clientHardwareAddress")
        }
        try r.skip(192, "sname and file")
        let cookie = try r.u32("cookie")
        guard cookie == Self.magicCookie else { throw r.invalid("magic cookie 0x\(String(cookie, radix: 16))", at: offset + 236) }
        messageType = nil
        // Options: code, length, value; 0 is padding and 255 ends them.
        while r.remaining > 0 {
            let code = try r.u8("code")
            if code == 0 { continue }
            if code == 255 { break }
            let length = Int(try r.u8("length"))
            var value = try r.sub(length, "option")
            if code == 53, length >= 1 { messageType = try value.u8("messageType") }
        }
    }
}
