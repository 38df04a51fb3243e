/// The monitored columns of a `Port` row.
public struct PortRow: Sendable, Hashable {
    public var uuid: OVSDBUUID
    public var name: String
    public var interfaces: [OVSDBUUID]
    /// The access VLAN, when set.
    public var tag: Int64?
    public var externalIDs: [String: String]

    public init(uuid: OVSDBUUID, row: OVSDBRow) throws(OVSDBError) {
        let r = ColumnReader(row, table: "Port", uuid: uuid)
        self.uuid = uuid
        name = try r.string("name")
        interfaces = try r.uuids("interfaces")
        tag = try r.optionalInteger("tag")
        externalIDs = try r.stringMap("external_ids")
    }
}
