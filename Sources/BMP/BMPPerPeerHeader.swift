import FieldReader
import NetAddress

/// RFC 7854 §4.2 Per-Peer Header: which peer (or, RFC 9069, which Loc-RIB)
/// a message is about, and when.
public struct BMPPerPeerHeader: Hashable, Sendable {
    public var peerType: BMPPeerType
    public var flags: BMPPeerFlags
    public var peerDistinguisher: UInt64
    /// The peer's address; IPv4 sits in the last 4 of the 16 octets and the V flag is clear.
    public var peerAddress: IPAddress
    public var peerAS: UInt32
    public var peerBGPID: IPv4Address
    public var timestampSeconds: UInt32
    public var timestampMicroseconds: UInt32

    public init(peerType: BMPPeerType = .globalInstance, flags: BMPPeerFlags = [], peerDistinguisher: UInt64 = 0,
                peerAddress: IPAddress, peerAS: UInt32, peerBGPID: IPv4Address, timestampSeconds: UInt32 = 0, timestampMicroseconds: UInt32 = 0) {
        self.peerType = peerType
        self.flags = flags
        self.peerDistinguisher = peerDistinguisher
        self.peerAddress = peerAddress
        self.peerAS = peerAS
        self.peerBGPID = peerBGPID
        self.timestampSeconds = timestampSeconds
        self.timestampMicroseconds = timestampMicroseconds
    }

    /// RFC 9069 §4.1: the local speaker's own table; address zero, our AS and identifier.
    public static func locRIB(localAS: UInt32, routerID: IPv4Address, timestampSeconds: UInt32 = 0, timestampMicroseconds: UInt32 = 0) -> BMPPerPeerHeader {
        BMPPerPeerHeader(peerType: .locRIBInstance, peerAddress: .v4(IPv4Address(rawValue: 0)), peerAS: localAS, peerBGPID: routerID,
                         timestampSeconds: timestampSeconds, timestampMicroseconds: timestampMicroseconds)
    }

    func encode(into out: inout [UInt8]) {
        out.append(peerType.rawValue)
        // V follows the address (RFC 7854 §4.2), except for a Loc-RIB, where the bit is F.
        var f = flags
        if peerType != .locRIBInstance {
            if case .v6 = peerAddress { f.insert(.ipv6) } else { f.remove(.ipv6) }
        }
        out.append(f.rawValue)
        out.appendBigEndian(peerDistinguisher)
        out += BMPAddress.sixteenOctets(peerAddress)
        out.appendBigEndian(peerAS)
        out.appendBigEndian(peerBGPID.rawValue)
        out.appendBigEndian(timestampSeconds)
        out.appendBigEndian(timestampMicroseconds)
    }

    static func decode(_ r: inout FieldReader) throws(BMPDecodingError) -> BMPPerPeerHeader {
        let type = try r.number("Peer Type", as: BMPPeerType.self)
        var flags = BMPPeerFlags(rawValue: try r.u8("Peer Flags"))
        let distinguisher = try r.u64("Peer Distinguisher")
        let address = try r.bytes(16, "Peer Address")
        let v6 = type != .locRIBInstance && flags.contains(.ipv6)
        // V is told by the address's family (as `encode` derives it).
        if type != .locRIBInstance { flags.remove(.ipv6) }
        return BMPPerPeerHeader(peerType: type, flags: flags, peerDistinguisher: distinguisher,
                                peerAddress: BMPAddress.from(sixteenOctets: address, ipv6: v6),
                                peerAS: try r.u32("Peer AS"), peerBGPID: IPv4Address(rawValue: try r.u32("Peer BGP ID")),
                                timestampSeconds: try r.u32("Timestamp (seconds)"), timestampMicroseconds: try r.u32("Timestamp (microseconds)"))
    }
}

/// RFC 7854's 16-octet address fields: IPv4 in the low-order 4 octets.
enum BMPAddress {
    static func sixteenOctets(_ a: IPAddress) -> [UInt8] {
        switch a {
        case .v4: [UInt8](repeating: 0, count: 12) + a.bytes
        case .v6: a.bytes
        }
    }

    static func from(sixteenOctets b: [UInt8], ipv6: Bool) -> IPAddress {
        if ipv6 { return IPAddress(bytes: b) ?? .v4(IPv4Address(rawValue: 0)) }
        return IPAddress(bytes: b[12...]) ?? .v4(IPv4Address(rawValue: 0))
    }
}
