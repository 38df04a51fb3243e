/// Reads typed columns out of a row. A missing column reads as its empty
/// default (ovsdb-server may leave default values out); a column of the wrong
/// type is an `OVSDBError` naming table, row and column.
struct ColumnReader {
    let row: OVSDBRow
    let table: String
    let uuid: OVSDBUUID

    init(_ row: OVSDBRow, table: String, uuid: OVSDBUUID) {
        self.row = row
        self.table = table
        self.uuid = uuid
    }

    /// The path is only spelt out on failure: rows are many, errors rare.
    func fail(_ column: String, _ what: String) -> OVSDBError {
        OVSDBError("\(table)/\(uuid)/\(column)", "expected \(what), got \(row[column]?.json.jsonText.prefix(80) ?? "nothing")")
    }

    func string(_ column: String) throws(OVSDBError) -> String {
        guard let datum = row[column] else { return "" }
        guard case .atom(.string(let s)) = datum else { throw fail(column, "a string") }
        return s
    }

    /// An optional scalar: a set of zero or one.
    func optional(_ column: String) throws(OVSDBError) -> OVSDBAtom? {
        guard let datum = row[column] else { return nil }
        if case .map = datum { throw fail(column, "an optional value") }
        let atoms = datum.atoms
        guard atoms.count <= 1 else { throw fail(column, "an optional value") }
        return atoms.first
    }

    func optionalString(_ column: String) throws(OVSDBError) -> String? {
        guard let atom = try optional(column) else { return nil }
        guard let s = atom.stringValue else { throw fail(column, "an optional string") }
        return s
    }

    func optionalInteger(_ column: String) throws(OVSDBError) -> Int64? {
        guard let atom = try optional(column) else { return nil }
        guard let i = atom.integerValue else { throw fail(column, "an optional integer") }
        return i
    }

    func uuids(_ column: String) throws(OVSDBError) -> [OVSDBUUID] {
        guard let datum = row[column] else { return [] }
        if case .map = datum { throw fail(column, "a set of uuids") }
        var out: [OVSDBUUID] = []
        for atom in datum.atoms {
            guard let u = atom.uuidValue else { throw fail(column, "a set of uuids") }
            out.append(u)
        }
        return out
    }

    func stringMap(_ column: String) throws(OVSDBError) -> [String: String] {
        guard let datum = row[column] else { return [:] }
        guard let map = datum.stringMap else { throw fail(column, "a string map") }
        return map
    }
}
