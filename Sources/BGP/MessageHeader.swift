import NIOCore

/// The header every BGP message starts with (RFC 4271 §4.1): 16 octets of
/// marker, the message's length in octets (header included), its type.
/// Framing reads it to split the stream; a speaker reads it to route a
/// message before decoding the rest.
public struct BGPMessageHeader: Hashable, Sendable {
    /// Octets in the header.
    public static let size = BGPMessage.headerLength

    /// Whether the marker is 16 octets of 0xff, as it must be.
    public var markerIsAllOnes: Bool
    /// The whole message's length, header included.
    public var length: Int
    /// The type octet as sent (it may name no type this codec knows).
    public var typeCode: UInt8

    public init(markerIsAllOnes: Bool = true, length: Int, typeCode: UInt8) {
        self.markerIsAllOnes = markerIsAllOnes
        self.length = length
        self.typeCode = typeCode
    }

    /// The header at the front of `buffer`, without consuming it; nil while
    /// fewer than `size` octets are there.
    @inlinable
    public static func peek(_ buffer: ByteBuffer) -> BGPMessageHeader? {
        let i = buffer.readerIndex
        guard buffer.readableBytes >= size, let marker1 = buffer.getInteger(at: i, as: UInt64.self),
              let marker2 = buffer.getInteger(at: i &+ 8, as: UInt64.self),
              let length = buffer.getInteger(at: i &+ 16, as: UInt16.self),
              let type = buffer.getInteger(at: i &+ 18, as: UInt8.self) else { return nil }
        return BGPMessageHeader(markerIsAllOnes: marker1 == .max && marker2 == .max, length: Int(length), typeCode: type)
    }

    /// The type, when it is one this codec knows.
    public var type: BGPMessage.MessageType? { BGPMessage.MessageType(rawValue: typeCode) }
}
