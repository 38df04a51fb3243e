import NIOCore

/// A property kept as its type and the bytes after its header, so that every
/// type round-trips, known or not: a queue's properties (OFPQT_*) and a
/// table's feature properties (OFPTFPT_*).
public struct PropertyBytes: Sendable, Hashable {
    /// The OFPQT_* or OFPTFPT_* number.
    public var type: UInt16
    public var body: ByteBuffer

    public init(type: UInt16, body: ByteBuffer) {
        self.type = type
        self.body = body
    }
}
