import NIOCore

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
        let tableID: UInt8 = try reader.integer("table_id")
        try reader.skip(3, "table_mod padding")
        return TableMod(tableID: tableID, config: try reader.integer("config"))
    }
}
