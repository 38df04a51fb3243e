import BGP
import NIOCore

/// Encoded UPDATEs shared between the peers of one flush (update groups,
/// RFC 4271 §9.2 leaves the grouping to the implementation): the bytes of a
/// run of routes with one attribute set, or withdrawn together, depend only
/// on the routes, the attribute set, the family and the session options, so
/// peers that are owed the same run get the same buffer (a ByteBuffer is
/// copy-on-write: sharing it copies nothing). Lives for one flush: route
/// indices and attribute set ids are not reused within it.
public struct OutboundEncodingCache: Sendable {
    struct Key: Hashable, Sendable {
        /// Nil: a withdrawal.
        var attributes: AttributeStore.ID?
        var family: AddressFamily
        var options: SessionOptions
        var routes: [RIB.RouteIndex]
    }

    private var encoded: [Key: (bytes: ByteBuffer, messages: Int)] = [:]
    /// Runs encoded, and runs served from the cache.
    public private(set) var misses = 0
    public private(set) var hits = 0

    public init() {}

    /// The run's UPDATEs as bytes, made by `make` only the first time.
    mutating func encoded(_ key: Key, _ make: () -> (bytes: ByteBuffer, messages: Int)) -> (bytes: ByteBuffer, messages: Int) {
        if let e = encoded[key] {
            hits += 1
            return e
        }
        misses += 1
        let e = make()
        encoded[key] = e
        return e
    }
}

/// The messages owed to one peer, as the buffers to write (shared ones
/// are not copied into one: each is written as it is).
public struct OutboundMessages: Sendable {
    public private(set) var buffers: [ByteBuffer] = []
    public private(set) var messages = 0
    public private(set) var bytes = 0
    /// Routes the plan left out of these UPDATEs: one alone would make an
    /// UPDATE over the peer's maximum message length (withdrawn toward it).
    public internal(set) var unsendable = 0

    /// Nothing to write.
    public var isEmpty: Bool { messages == 0 }

    mutating func append(_ run: (bytes: ByteBuffer, messages: Int)) {
        guard run.messages > 0 else { return }
        buffers.append(run.bytes)
        messages += run.messages
        bytes += run.bytes.readableBytes
    }
}
