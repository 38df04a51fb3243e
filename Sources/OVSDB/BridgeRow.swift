/// The monitored columns of a `Bridge` row.
public struct BridgeRow: Sendable, Hashable {
    public var uuid: OVSDBUUID
    public var name: String
    public var ports: [OVSDBUUID]
    /// Hex digits, once ovs-vswitchd has set up the bridge.
    public var datapathID: String?

    public init(uuid: OVSDBUUID, row: OVSDBRow) throws(OVSDBError) {
        let r = ColumnReader(row, table: "Bridge", uuid: uuid)
        self.uuid = uuid
        name = try r.string("name")
        ports = try r.uuids("ports")
        datapathID = try r.optionalString("datapath_id")
    }
}
