import NIOCore

/// packet_count and byte_count, side by side as the statistics bodies carry
/// them: a flow's, a group's or a meter's totals, a bucket's or a band's.
public struct CounterPair: Sendable, Hashable, WireCodable {
    public var packetCount: UInt64
    public var byteCount: UInt64

    public init(packetCount: UInt64 = 0, byteCount: UInt64 = 0) {
        self.packetCount = packetCount
        self.byteCount = byteCount
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(packetCount)
        buffer.writeInteger(byteCount)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> CounterPair {
        CounterPair(packetCount: try reader.integer("packet_count"), byteCount: try reader.integer("byte_count"))
    }
}
