import NIOCore

/// duration_sec and duration_nsec: how long a flow, group, meter, port or
/// queue has been there, as every OpenFlow 1.3 statistics body (and
/// FLOW_REMOVED) carries it.
public struct StatsDuration: Sendable, Hashable, WireCodable {
    public var seconds: UInt32
    /// The time beyond `seconds`.
    public var nanoseconds: UInt32

    public init(seconds: UInt32 = 0, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(seconds)
        buffer.writeInteger(nanoseconds)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> StatsDuration {
        StatsDuration(seconds: try reader.integer("duration_sec"), nanoseconds: try reader.integer("duration_nsec"))
    }
}
