/// The monitored columns of an `Interface` row.
public struct InterfaceRow: Sendable, Hashable {
    public var uuid: OVSDBUUID
    public var name: String
    /// The OpenFlow port number; nil until ovs-vswitchd assigns one, -1 when
    /// the interface failed (see `error`).
    public var ofport: Int64?
    public var externalIDs: [String: String]
    public var type: String
    public var options: [String: String]
    public var error: String?
    public var macInUse: String?

    public init(uuid: OVSDBUUID, row: OVSDBRow) throws(OVSDBError) {
        let r = ColumnReader(row, table: "Interface", uuid: uuid)
        self.uuid = uuid
        name = try r.string("name")
        ofport = try r.optionalInteger("ofport")
        externalIDs = try r.stringMap("external_ids")
        type = try r.string("type")
        options = try r.stringMap("options")
        error = try r.optionalString("error")
        macInUse = try r.optionalString("mac_in_use")
    }
}
