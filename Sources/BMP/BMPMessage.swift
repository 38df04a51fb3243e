import FieldReader
import NetAddress

/// RFC 7854 §4.10 Peer Up Notification, after the per-peer header.
public struct BMPPeerUp: Hashable, Sendable {
    /// Our end of the session (zero for a Loc-RIB, RFC 9069 §5.3).
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var remotePort: UInt16
    /// The whole OPEN messages, BGP header included.
    public var sentOpen: [UInt8]
    public var receivedOpen: [UInt8]
    public var information: [BMPTLV]

    public init(localAddress: IPAddress, localPort: UInt16, remotePort: UInt16, sentOpen: [UInt8], receivedOpen: [UInt8], information: [BMPTLV] = []) {
        self.localAddress = localAddress
        self.localPort = localPort
        self.remotePort = remotePort
        self.sentOpen = sentOpen
        self.receivedOpen = receivedOpen
        self.information = information
    }
}

/// RFC 7854 §4.9 Peer Down Notification: the reason and its data (a
/// NOTIFICATION PDU for reasons 1 and 3, an FSM event code for 2, else none).
public struct BMPPeerDown: Hashable, Sendable {
    public var reason: BMPPeerDownReason
    public var data: [UInt8]

    public init(reason: BMPPeerDownReason, data: [UInt8] = []) {
        self.reason = reason
        self.data = data
    }
}

/// One BMP message (RFC 7854 §4), as values: `encoded()` gives its octets,
/// `decode` reads them back (total: any input gives a message or an error).
public enum BMPMessage: Hashable, Sendable {
    /// §4.6: a BGP UPDATE (whole message) of the peer's Adj-RIB-In, or of a Loc-RIB (RFC 9069).
    case routeMonitoring(BMPPerPeerHeader, update: [UInt8])
    /// §4.8: counters and gauges.
    case statisticsReport(BMPPerPeerHeader, [BMPTLV])
    case peerDownNotification(BMPPerPeerHeader, BMPPeerDown)
    case peerUpNotification(BMPPerPeerHeader, BMPPeerUp)
    /// §4.3: sysDescr and sysName, first on every connection.
    case initiation([BMPTLV])
    /// §4.5: last, before the monitored router closes.
    case termination([BMPTLV])

    public var type: BMPMessageType {
        switch self {
        case .routeMonitoring: .routeMonitoring
        case .statisticsReport: .statisticsReport
        case .peerDownNotification: .peerDownNotification
        case .peerUpNotification: .peerUpNotification
        case .initiation: .initiation
        case .termination: .termination
        }
    }

    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        switch self {
        case .routeMonitoring(let h, let update):
            h.encode(into: &body)
            body += update
        case .statisticsReport(let h, let stats):
            h.encode(into: &body)
            body.appendBigEndian(UInt32(stats.count))
            for s in stats { s.encode(into: &body) }
        case .peerDownNotification(let h, let down):
            h.encode(into: &body)
            body.append(down.reason.rawValue)
            body += down.data
        case .peerUpNotification(let h, let up):
            h.encode(into: &body)
            body += BMPAddress.sixteenOctets(up.localAddress)
            body.appendBigEndian(up.localPort)
            body.appendBigEndian(up.remotePort)
            body += up.sentOpen
            body += up.receivedOpen
            for i in up.information { i.encode(into: &body) }
        case .initiation(let tlvs), .termination(let tlvs):
            for t in tlvs { t.encode(into: &body) }
        }
        var out: [UInt8] = [bmpVersion]
        out.reserveCapacity(BMPLength.commonHeader + body.count)
        out.appendBigEndian(UInt32(BMPLength.commonHeader + body.count))
        out.append(type.rawValue)
        return out + body
    }

    /// The length of the message at the start of `bytes` from its common
    /// header; nil while fewer than 6 octets are there.
    public static func length(at bytes: ArraySlice<UInt8>) throws(BMPDecodingError) -> Int? {
        guard bytes.count >= BMPLength.commonHeader else { return nil }
        let i = bytes.startIndex
        guard bytes[i] == bmpVersion else {
            throw BMPDecodingError(format: "BMP", field: "Version", value: "\(bytes[i])", reason: "is not 3", offset: 0)
        }
        let length = Int(bytes[i + 1]) << 24 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 8 | Int(bytes[i + 4])
        guard length >= BMPLength.commonHeader else {
            throw BMPDecodingError(format: "BMP", field: "Message Length", value: "\(length)", reason: "is under the 6-octet common header", offset: 1)
        }
        return length
    }

    /// Exactly one message: the whole of `bytes`.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BMPDecodingError) -> BMPMessage {
        let all = ArraySlice(bytes)
        guard let length = try length(at: all) else {
            throw BMPDecodingError(format: "BMP", field: "common header", reason: "needs 6 octets, \(all.count) there", offset: 0)
        }
        guard length == all.count else {
            throw BMPDecodingError(format: "BMP", field: "Message Length", value: "\(length)", reason: "differs from the \(all.count) octets given", offset: 1)
        }
        let typeRaw = all[all.startIndex + 5]
        guard let type = BMPMessageType(rawValue: typeRaw), type != .routeMirroring else {
            throw BMPDecodingError(format: "BMP", field: "Message Type", value: "\(typeRaw)", reason: "unknown or not supported", offset: 5)
        }
        var r = FieldReader(bmp: all)
        _ = try r.bytes(BMPLength.commonHeader, "common header")
        switch type {
        case .initiation: return .initiation(try BMPTLV.decodeAll(&r, "Information"))
        case .termination: return .termination(try BMPTLV.decodeAll(&r, "Termination"))
        default: break
        }
        let header = try BMPPerPeerHeader.decode(&r)
        switch type {
        case .routeMonitoring:
            let update = try r.bgpMessage("BGP Update PDU")
            guard r.remaining == 0 else { throw r.invalid("Route Monitoring", "\(r.remaining) octets", "follow the BGP Update PDU") }
            return .routeMonitoring(header, update: update)
        case .statisticsReport:
            let count = try r.u32("Stats Count")
            let stats = try BMPTLV.decodeAll(&r, "Stat")
            guard stats.count == count else { throw r.invalid("Stats Count", count, "differs from the \(stats.count) statistics present") }
            return .statisticsReport(header, stats)
        case .peerDownNotification:
            let reason = try r.number("Reason", as: BMPPeerDownReason.self)
            return .peerDownNotification(header, BMPPeerDown(reason: reason, data: r.rest()))
        case .peerUpNotification:
            let local = try r.bytes(16, "Local Address")
            let v6: Bool = if case .v6 = header.peerAddress { true } else { false }
            let localPort = try r.u16("Local Port"), remotePort = try r.u16("Remote Port")
            let sent = try r.bgpMessage("Sent OPEN Message"), received = try r.bgpMessage("Received OPEN Message")
            return .peerUpNotification(header, BMPPeerUp(localAddress: BMPAddress.from(sixteenOctets: local, ipv6: v6), localPort: localPort,
                                                         remotePort: remotePort, sentOpen: sent, receivedOpen: received,
                                                         information: try BMPTLV.decodeAll(&r, "Information")))
        case .initiation, .termination, .routeMirroring:
            throw BMPDecodingError(format: "BMP", field: "Message Type", value: "\(typeRaw)", reason: "unreachable", offset: 5)
        }
    }

    /// Splits a stream: the first whole message off the front of `buffer`
    /// (removed from it), nil while it is incomplete.
    public static func next(from buffer: inout [UInt8]) throws(BMPDecodingError) -> BMPMessage? {
        guard let length = try length(at: buffer[...]), buffer.count >= length else { return nil }
        let message = buffer[..<length]
        buffer.removeFirst(length)
        return try decode(message)
    }
}
