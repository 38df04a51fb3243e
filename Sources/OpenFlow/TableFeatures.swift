import NIOCore

/// ofp_table_features: one table's capabilities. Properties keep their bytes
/// (after type and length) so every property type round-trips.
public struct TableFeatures: Sendable, Hashable, WireCodable {
    public typealias Property = PropertyBytes

    public var tableID: UInt8
    public var name: FixedString
    public var metadataMatch: UInt64
    public var metadataWrite: UInt64
    public var config: UInt32
    public var maxEntries: UInt32
    public var properties: [Property]

    public init(tableID: UInt8, name: FixedString, metadataMatch: UInt64, metadataWrite: UInt64, config: UInt32,
                maxEntries: UInt32, properties: [Property]) {
        self.tableID = tableID
        self.name = name
        self.metadataMatch = metadataMatch
        self.metadataWrite = metadataWrite
        self.config = config
        self.maxEntries = maxEntries
        self.properties = properties
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in
            buffer.writeInteger(tableID)
            buffer.writeZeros(5)
            name.encode(into: &buffer, size: 32)
            buffer.writeInteger(metadataMatch)
            buffer.writeInteger(metadataWrite)
            buffer.writeInteger(config)
            buffer.writeInteger(maxEntries)
            for property in properties {
                buffer.writePaddedTLV(type: property.type) { $0.writeImmutableBuffer(property.body) }
            }
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> TableFeatures {
        var body = try reader.element("table features length", minimum: 64)
        try body.skip(2, "table features length")
        let tableID: UInt8 = try body.integer("table_id")
        try body.skip(5, "table features padding")
        let name = try FixedString.decode(from: &body, size: 32, "table name")
        let metadataMatch: UInt64 = try body.integer("metadata_match")
        let metadataWrite: UInt64 = try body.integer("metadata_write")
        let config: UInt32 = try body.integer("config")
        let maxEntries: UInt32 = try body.integer("max_entries")
        var properties: [Property] = []
        while !body.isEmpty {
            var property = try body.paddedTLV("table feature property")
            properties.append(Property(type: property.type, body: property.value.rest()))
        }
        return TableFeatures(tableID: tableID, name: name, metadataMatch: metadataMatch, metadataWrite: metadataWrite,
                             config: config, maxEntries: maxEntries, properties: properties)
    }
}
