import TestSupport

/// A row of a reconciliation diff's table: what the controller wants, what
/// the switch holds, and what the diff must add, modify and delete, each
/// named by its key (a flow's priority, a group's or a meter's id).
struct DiffScenario<Entry: Sendable, Key: Sendable & Equatable>: NamedRow {
    var name: String
    var wanted: [Entry]
    var installed: [Entry]
    var adds: [Key]
    var modifies: [Key]
    var deletes: [Key]
}
