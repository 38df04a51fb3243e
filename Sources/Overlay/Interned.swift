/// Values held once, each named by a small number, with a count of its
/// users: a value no one uses any more is forgotten and its number reused,
/// so the table never outgrows what is in use.
struct Interned<Value: Hashable & Sendable>: Sendable {
    typealias ID = UInt32

    private var ids: [Value: ID] = [:]
    private var values: [Value?] = []
    private var users: [UInt32] = []
    private var free: [ID] = []

    /// The number of `value`, with one user more.
    mutating func intern(_ value: Value) -> ID {
        if let id = ids[value] {
            users[Int(id)] += 1
            return id
        }
        let id: ID
        if let reused = free.popLast() {
            id = reused
            values[Int(id)] = value
            users[Int(id)] = 1
        } else {
            id = ID(values.count)
            values.append(value)
            users.append(1)
        }
        ids[value] = id
        return id
    }

    /// One user less; the value goes with its last user.
    mutating func release(_ id: ID) {
        users[Int(id)] -= 1
        guard users[Int(id)] == 0, let value = values[Int(id)] else { return }
        ids[value] = nil
        values[Int(id)] = nil
        free.append(id)
    }

    /// The value of a number in use.
    subscript(id: ID) -> Value { values[Int(id)]! }

    /// Values in use.
    var count: Int { ids.count }
}
