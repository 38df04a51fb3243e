import NIOCore

/// OFPT_GET_ASYNC_REPLY / OFPT_SET_ASYNC body: which asynchronous messages a
/// controller in [master-or-equal, slave] role receives.
public struct AsyncConfig: Sendable, Hashable, WireCodable {
    public var packetInMask: [UInt32]
    public var portStatusMask: [UInt32]
    public var flowRemovedMask: [UInt32]

    public init(packetInMask: (UInt32, UInt32), portStatusMask: (UInt32, UInt32), flowRemovedMask: (UInt32, UInt32)) {
        self.packetInMask = [packetInMask.0, packetInMask.1]
        self.portStatusMask = [portStatusMask.0, portStatusMask.1]
        self.flowRemovedMask = [flowRemovedMask.0, flowRemovedMask.1]
    }

    func encode(into buffer: inout ByteBuffer) {
        for mask in [packetInMask, portStatusMask, flowRemovedMask] {
            for i in 0..<2 { buffer.writeInteger(i < mask.count ? mask[i] : 0) }
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> AsyncConfig {
        AsyncConfig(packetInMask: (try reader.integer("packet_in_mask"), try reader.integer("packet_in_mask")),
                    portStatusMask: (try reader.integer("port_status_mask"), try reader.integer("port_status_mask")),
                    flowRemovedMask: (try reader.integer("flow_removed_mask"), try reader.integer("flow_removed_mask")))
    }
}
