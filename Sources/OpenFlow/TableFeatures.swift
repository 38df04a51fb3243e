import NIOCore

/// ofp_table_features: one table's capabilities. Properties keep their bytes
/// (after type and length) so every property type round-trips.
public struct TableFeatures: Sendable, Hashable, WireCodable {
    public struct Property: Sendable, Hashable {
        /// OFPTFPT_* numbers.
        public var type: UInt16
        public var body: ByteBuffer

        public init(type: UInt16, body: ByteBuffer) {
            self.type = type
            self.body = body
        }
    }

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
        let start = buffer.writerIndex
        let lengthAt = buffer.reserveLength()
        buffer.writeInteger(tableID)
        buffer.writeZeros(5)
        name.encode(into: &buffer, size: 32)
        buffer.writeInteger(metadataMatch)
        buffer.writeInteger(metadataWrite)
        buffer.writeInteger(config)
        buffer.writeInteger(maxEntries)
        for property in properties {
            let propertyStart = buffer.writerIndex
            buffer.writeInteger(property.type)
            let propertyLengthAt = buffer.reserveLength()
            buffer.writeImmutableBuffer(property.body)
            buffer.patchLength(at: propertyLengthAt, from: propertyStart)
            buffer.padTo8(from: propertyStart)
        }
        buffer.patchLength(at: lengthAt, from: start)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> TableFeatures {
        let length = Int(try reader.peek("table features length", as: UInt16.self))
        guard length >= 64 else { throw reader.error("table features length", .badLength(length)) }
        var body = try reader.sub(length, "table features")
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
            let at = body.offset
            let type: UInt16 = try body.integer("table feature property type")
            let propertyLength = Int(try body.integer("table feature property length", as: UInt16.self))
            guard propertyLength >= 4 else { throw body.error("table feature property length", .badLength(propertyLength), at: at &+ 2) }
            let value = try body.slice(propertyLength &- 4, "table feature property")
            // Padding to 8 is not counted in the property length.
            try body.skip(min((8 &- propertyLength % 8) % 8, body.remaining), "table feature property padding")
            properties.append(Property(type: type, body: value))
        }
        return TableFeatures(tableID: tableID, name: name, metadataMatch: metadataMatch, metadataWrite: metadataWrite,
                             config: config, maxEntries: maxEntries, properties: properties)
    }
}
