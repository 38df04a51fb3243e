/// Values held once, each named by a small number, with a count of its
/// references: a value no one refers to any more is forgotten and its number
/// reused, so the table never outgrows what is in use and the tables that
/// store the numbers hold four bytes instead of the value.
public struct InternTable<Value: Hashable & Sendable>: Sendable {
    public typealias ID = UInt32

    private var ids: [Value: ID] = [:]
    private var values: [Value?] = []
    private var counts: [UInt32] = []
    private var free: [ID] = []
    /// Values dropped so far: a number remembered from before may name
    /// another value once this moves.
    public private(set) var dropped = 0

    public init() {}

    /// Distinct values held.
    public var count: Int { ids.count }

    /// The number of `value`, with one reference more.
    public mutating func intern(_ value: Value) -> ID {
        if let id = ids[value] {
            counts[Int(id)] &+= 1
            return id
        }
        let id: ID
        if let reused = free.popLast() {
            id = reused
            values[Int(id)] = value
            counts[Int(id)] = 1
        } else {
            id = ID(values.count)
            values.append(value)
            counts.append(1)
        }
        ids[value] = id
        return id
    }

    /// One reference more on a number in use.
    public mutating func retain(_ id: ID) { counts[Int(id)] &+= 1 }

    /// References held on `id`; 0 once it is gone.
    public func references(_ id: ID) -> UInt32 { Int(id) < counts.count ? counts[Int(id)] : 0 }

    /// One reference less; the value goes with its last reference.
    public mutating func release(_ id: ID) {
        let i = Int(id)
        guard counts[i] > 0 else { return }
        counts[i] -= 1
        guard counts[i] == 0, let value = values[i] else { return }
        ids[value] = nil
        values[i] = nil
        free.append(id)
        dropped &+= 1
    }

    /// The value of a number in use (a number no longer in use is a fault of the caller's).
    public subscript(id: ID) -> Value {
        guard let value = values[Int(id)] else { preconditionFailure("interned value \(id) was released") }
        return value
    }
}
