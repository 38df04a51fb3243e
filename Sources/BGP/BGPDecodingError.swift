/// Why some bytes are not a valid BGP message: what was wrong, where (offset
/// from the first byte of the message, marker included), and the NOTIFICATION
/// a speaker sends in answer (RFC 4271 §6).
public struct BGPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public var offset: Int
    public var notification: Notification

    public init(_ reason: String, offset: Int, notification: Notification) {
        self.reason = reason
        self.offset = offset
        self.notification = notification
    }

    public var description: String {
        "\(reason) at offset \(offset) (\(notification.error))"
    }
}
