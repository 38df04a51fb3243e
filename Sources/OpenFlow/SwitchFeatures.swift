import NIOCore

/// OFPT_FEATURES_REPLY body (ofp_switch_features).
public struct SwitchFeatures: Sendable, Hashable, WireCodable {
    public var datapathID: DatapathID
    public var nBuffers: UInt32
    public var nTables: UInt8
    public var auxiliaryID: UInt8
    public var capabilities: UInt32
    public var reserved: UInt32

    public init(datapathID: DatapathID, nBuffers: UInt32 = 0, nTables: UInt8, auxiliaryID: UInt8 = 0, capabilities: UInt32 = 0, reserved: UInt32 = 0) {
        self.datapathID = datapathID
        self.nBuffers = nBuffers
        self.nTables = nTables
        self.auxiliaryID = auxiliaryID
        self.capabilities = capabilities
        self.reserved = reserved
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(datapathID.rawValue)
        buffer.writeInteger(nBuffers)
        buffer.writeInteger(nTables)
        buffer.writeInteger(auxiliaryID)
        buffer.writeZeros(2)
        buffer.writeInteger(capabilities)
        buffer.writeInteger(reserved)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> SwitchFeatures {
        let datapathID = DatapathID(rawValue: try reader.integer("datapath_id"))
        let nBuffers: UInt32 = try reader.integer("n_buffers")
        let nTables: UInt8 = try reader.integer("n_tables")
        let auxiliaryID: UInt8 = try reader.integer("auxiliary_id")
        try reader.skip(2, "features padding")
        return SwitchFeatures(datapathID: datapathID, nBuffers: nBuffers, nTables: nTables, auxiliaryID: auxiliaryID,
                              capabilities: try reader.integer("capabilities"), reserved: try reader.integer("reserved"))
    }
}
