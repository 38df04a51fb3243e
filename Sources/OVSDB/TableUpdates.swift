/// `<table-updates>` (RFC 7047 section 4.1.6): the monitor's initial reply
/// and the second param of each `update` notification, as typed changes in a
/// stable order (table, then UUID) so applying them is deterministic.
public struct OVSDBTableUpdates: Sendable, Hashable {
    public var changes: [OVSDBRowChange]

    public init(changes: [OVSDBRowChange]) {
        self.changes = changes
    }

    public init(json: JSONValue) throws(OVSDBError) {
        guard let tables = json.objectValue else { throw OVSDBError("table-updates", "not an object") }
        var changes: [OVSDBRowChange] = []
        for table in tables.keys.sorted() {
            guard let rows = tables[table]?.objectValue else { throw OVSDBError(table, "table-update is not an object") }
            for key in rows.keys.sorted() {
                guard let uuid = OVSDBUUID(key) else { throw OVSDBError(table, "row key \"\(key.prefix(40))\" is not a uuid") }
                guard let update = rows[key]?.objectValue else { throw OVSDBError("\(table)/\(uuid)", "row-update is not an object") }
                let old = try Self.row(update["old"], path: "\(table)/\(uuid)/old")
                let new = try Self.row(update["new"], path: "\(table)/\(uuid)/new")
                changes.append(try OVSDBRowChange(table: table, uuid: uuid, old: old, new: new))
            }
        }
        self.changes = changes
    }

    /// `path` is an autoclosure: built only when there is an error to report.
    private static func row(_ json: JSONValue?, path: @autoclosure () -> String) throws(OVSDBError) -> OVSDBRow? {
        guard let json else { return nil }
        guard let columns = json.objectValue else { throw OVSDBError(path(), "row is not an object") }
        var row: OVSDBRow = [:]
        row.reserveCapacity(columns.count)
        for (name, value) in columns {
            row[name] = try OVSDBDatum(json: value, path: "\(path())/\(name)")
        }
        return row
    }
}

/// The `update` notification: `["update", [monitor-id, table-updates]]`.
public struct OVSDBUpdateNotification: Sendable, Hashable {
    public var monitorID: JSONValue
    public var updates: OVSDBTableUpdates

    /// Nil when the message is some other notification.
    public init?(_ message: JSONRPCMessage) throws(OVSDBError) {
        guard case .notification("update", let params) = message else { return nil }
        guard params.count == 2 else { throw OVSDBError("update", "expected 2 params, got \(params.count)") }
        monitorID = params[0]
        updates = try OVSDBTableUpdates(json: params[1])
    }
}
