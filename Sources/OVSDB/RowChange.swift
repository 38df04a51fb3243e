/// A row's columns by name.
public typealias OVSDBRow = [String: OVSDBDatum]

/// One `<row-update>` (RFC 7047 section 4.1.6): the kind follows from which
/// of `old` and `new` are present. The initial reply's rows are inserts.
public struct OVSDBRowChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Only `new`: the whole row (initial contents or a new row).
        case insert
        /// Both: `old` holds the prior value of the columns that changed,
        /// `new` the row's monitored columns now.
        case modify
        /// Only `old`: the row as it was.
        case delete
    }

    public var table: String
    public var uuid: OVSDBUUID
    public var kind: Kind
    public var old: OVSDBRow?
    public var new: OVSDBRow?

    public init(table: String, uuid: OVSDBUUID, old: OVSDBRow?, new: OVSDBRow?) throws(OVSDBError) {
        switch (old, new) {
        case (nil, nil): throw OVSDBError("\(table)/\(uuid)", "row update with neither old nor new")
        case (nil, _?): kind = .insert
        case (_?, nil): kind = .delete
        case (_?, _?): kind = .modify
        }
        self.table = table
        self.uuid = uuid
        self.old = old
        self.new = new
    }
}
