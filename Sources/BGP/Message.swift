import NIOCore

/// A BGP message (RFC 4271 §4).
public enum BGPMessage: Hashable, Sendable {
    case open(Open)
    case update(Update)
    case notification(Notification)
    case keepalive
    case routeRefresh(RouteRefresh)

    public enum MessageType: UInt8, Sendable {
        case open = 1, update = 2, notification = 3, keepalive = 4, routeRefresh = 5
    }

    public static let headerLength = 19

    public var type: MessageType {
        switch self {
        case .open: .open
        case .update: .update
        case .notification: .notification
        case .keepalive: .keepalive
        case .routeRefresh: .routeRefresh
        }
    }

    /// Decodes one whole message, header included (as the stream decoder
    /// returns it). An UPDATE with any RFC 7606 error other than attribute
    /// discard throws; a speaker wanting the classification calls
    /// `Update.decode(body:options:)` instead.
    public static func decode(_ message: ByteBuffer, options: SessionOptions = SessionOptions()) throws(BGPDecodingError) -> BGPMessage {
        let sync = Notification(.messageHeader(.connectionNotSynchronized))
        var r = WireReader(message, notification: sync)
        let marker1 = try r.u64("marker"), marker2 = try r.u64("marker")
        guard marker1 == .max, marker2 == .max else { throw BGPDecodingError("marker not all ones", offset: 0, notification: sync) }
        let lengthAt = r.offset
        r.notification = Notification(.messageHeader(.badMessageLength))
        let length = try r.u16("length")
        let lengthError = Notification(.messageHeader(.badMessageLength), data: [UInt8(length >> 8), UInt8(length & 0xff)])
        r.notification = lengthError
        let typeRaw = try r.u8("type")
        guard Int(length) == message.readableBytes else {
            throw BGPDecodingError("length \(length) but \(message.readableBytes) bytes", offset: lengthAt, notification: lengthError)
        }
        guard let type = MessageType(rawValue: typeRaw) else {
            throw BGPDecodingError("message type \(typeRaw)", offset: 18, notification: Notification(.messageHeader(.badMessageType), data: [typeRaw]))
        }
        // RFC 4271 §6.1: the length must suit the type.
        let (minimum, maximum): (Int, Int) = switch type {
        case .open: (29, options.maximumMessageLength)
        case .update: (23, options.maximumMessageLength)
        case .notification: (21, options.maximumMessageLength)
        case .keepalive: (19, 19)
        case .routeRefresh: (23, options.maximumMessageLength)
        }
        guard Int(length) >= minimum, Int(length) <= maximum else {
            throw BGPDecodingError("length \(length) for message type \(typeRaw)", offset: lengthAt, notification: lengthError)
        }
        switch type {
        case .open:
            return .open(try Open.decode(&r))
        case .update:
            switch Update.decode(&r, options: options) {
            case .update(let u), .attributeDiscard(let u, _): return .update(u)
            case .treatAsWithdraw(_, let errors): throw errors.first ?? BGPDecodingError("UPDATE", offset: 19, notification: Notification(.updateMessage(.unspecific)))
            case .sessionReset(let e): throw e
            }
        case .notification:
            return .notification(try Notification.decode(&r))
        case .keepalive:
            return .keepalive
        case .routeRefresh:
            // RFC 7313 §5: a length other than 23 is a ROUTE-REFRESH error with the message as data.
            guard length == 23 else {
                throw BGPDecodingError("ROUTE-REFRESH of length \(length)", offset: lengthAt,
                                       notification: Notification(.routeRefreshMessage(.invalidMessageLength), data: message.getBytes(at: message.readerIndex, length: message.readableBytes) ?? []))
            }
            let afi = AFI(rawValue: try r.u16("AFI"))
            let subtype = RouteRefresh.Subtype(rawValue: try r.u8("subtype"))
            let safi = SAFI(rawValue: try r.u8("SAFI"))
            return .routeRefresh(RouteRefresh(family: AddressFamily(afi: afi, safi: safi), subtype: subtype))
        }
    }

    /// Appends the message, header included.
    public func encode(into b: inout ByteBuffer, options: SessionOptions = SessionOptions()) {
        let start = b.writerIndex
        b.writeInteger(UInt64.max)
        b.writeInteger(UInt64.max)
        b.writeInteger(UInt16(0))
        b.writeInteger(type.rawValue)
        switch self {
        case .open(let o): o.encode(into: &b)
        case .update(let u): u.encode(into: &b, options: options)
        case .notification(let n): n.encode(into: &b)
        case .keepalive: break
        case .routeRefresh(let rr):
            b.writeInteger(rr.family.afi.rawValue); b.writeInteger(rr.subtype.rawValue); b.writeInteger(rr.family.safi.rawValue)
        }
        b.setInteger(UInt16(truncatingIfNeeded: b.writerIndex - start), at: start + 16)
    }

    /// The message as bytes.
    public func encoded(options: SessionOptions = SessionOptions()) -> ByteBuffer {
        var b = ByteBufferAllocator().buffer(capacity: 64)
        encode(into: &b, options: options)
        return b
    }

    /// The encoded length; over `options.maximumMessageLength` means the
    /// caller must split the update before sending.
    public func encodedLength(options: SessionOptions = SessionOptions()) -> Int { encoded(options: options).readableBytes }
}
