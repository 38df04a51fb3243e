import NIOCore

/// OFPT_ROLE_REQUEST / OFPT_ROLE_REPLY body.
public struct RoleMessage: Sendable, Hashable, WireCodable {
    /// OFPCR_ROLE_NOCHANGE (0), EQUAL (1), MASTER (2), SLAVE (3).
    public var role: UInt32
    public var generationID: UInt64

    public init(role: UInt32, generationID: UInt64 = 0) {
        self.role = role
        self.generationID = generationID
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(role)
        buffer.writeZeros(4)
        buffer.writeInteger(generationID)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> RoleMessage {
        let role: UInt32 = try reader.read("role")
        try reader.skip(4, "role padding")
        return RoleMessage(role: role, generationID: try reader.read("generation_id"))
    }
}

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
        AsyncConfig(packetInMask: (try reader.read("packet_in_mask"), try reader.read("packet_in_mask")),
                    portStatusMask: (try reader.read("port_status_mask"), try reader.read("port_status_mask")),
                    flowRemovedMask: (try reader.read("flow_removed_mask"), try reader.read("flow_removed_mask")))
    }
}

/// OFPT_TABLE_MOD.
public struct TableMod: Sendable, Hashable, WireCodable {
    public var tableID: UInt8
    public var config: UInt32

    public init(tableID: UInt8, config: UInt32) {
        self.tableID = tableID
        self.config = config
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(tableID)
        buffer.writeZeros(3)
        buffer.writeInteger(config)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> TableMod {
        let tableID: UInt8 = try reader.read("table_id")
        try reader.skip(3, "table_mod padding")
        return TableMod(tableID: tableID, config: try reader.read("config"))
    }
}
