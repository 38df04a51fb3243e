/// Why a byte string is not a valid OpenFlow message: what was being read and
/// at which byte offset (from the start of the message, or of the stream when
/// the error comes from `OpenFlowMessageDecoder`).
public struct OpenFlowDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Fewer bytes remained than the field needs.
        case truncated(needed: Int, available: Int)
        /// A length field that is too short, too long or not a multiple it must be.
        case badLength(Int)
        /// A value the specification does not allow at this place.
        case badValue(UInt64)
    }

    public var what: String
    public var offset: Int
    public var reason: Reason

    public init(what: String, offset: Int, reason: Reason) {
        self.what = what
        self.offset = offset
        self.reason = reason
    }

    /// The same error, seen from `base` bytes earlier (a stream or an enclosing message).
    public func shifted(by base: Int) -> OpenFlowDecodingError {
        OpenFlowDecodingError(what: what, offset: offset &+ base, reason: reason)
    }

    public var description: String {
        switch reason {
        case let .truncated(needed, available):
            return "\(what): truncated at byte offset \(offset): needs \(needed) bytes, \(available) left"
        case let .badLength(length):
            return "\(what): bad length \(length) at byte offset \(offset)"
        case let .badValue(value):
            return "\(what): bad value \(value) at byte offset \(offset)"
        }
    }
}

/// Raised when a value cannot be put on the wire (OpenFlow lengths are 16 bits).
public struct OpenFlowEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var what: String
    public var length: Int
    public var description: String { "\(what): \(length) bytes does not fit a 16-bit OpenFlow length" }
}
