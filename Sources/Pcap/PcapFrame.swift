import NIOCore

/// When a frame was captured: seconds since the epoch and nanoseconds.
public struct PcapTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public var description: String {
        let fraction = String(nanoseconds)
        return "\(seconds)." + String(repeating: "0", count: max(0, 9 - fraction.count)) + fraction
    }
}

/// One captured frame: its bytes as captured (possibly cut at the snap
/// length), the length it had on the wire, and the capture's link type.
public struct PcapFrame: Sendable, Hashable {
    public var timestamp: PcapTimestamp
    public var data: ByteBuffer
    /// Length on the wire; larger than `capturedLength` when the snap length cut it.
    public var originalLength: Int
    public var linkType: LinkType

    public init(timestamp: PcapTimestamp, data: ByteBuffer, originalLength: Int? = nil, linkType: LinkType = .ethernet) {
        self.timestamp = timestamp
        self.data = data
        self.originalLength = originalLength ?? data.readableBytes
        self.linkType = linkType
    }

    public var capturedLength: Int { data.readableBytes }
}
