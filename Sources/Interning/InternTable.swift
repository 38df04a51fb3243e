/// Values held once, each named by a small number, with a count of its
/// references: a value no one refers to any more is forgotten and its number
/// reused, so the table never outgrows what is in use and the tables that
/// store the numbers hold four bytes instead of the value.
///
/// Inlinable, so that each user's table is specialised for its value type
/// (the RIB interns attribute sets on its hottest path): a generic call
/// across the module boundary would hash through witness tables.
public struct InternTable<Value: Hashable & Sendable>: Sendable {
    public typealias ID = UInt32

    @usableFromInline var ids: [Value: ID] = [:]
    @usableFromInline var values: [Value?] = []
    @usableFromInline var counts: [UInt32] = []
    @usableFromInline var free: [ID] = []
    /// Values dropped so far: a number remembered from before may name
    /// another value once this moves.
    @inlinable public var dropped: Int { droppedCount }
    @usableFromInline var droppedCount = 0

    /// What a number no longer in use reads as; nil: reading one traps
    /// (a fault of the caller's, where no value can stand in).
    @usableFromInline let released: Value?

    /// `released`: what a number no longer in use reads as, for a daemon
    /// that must carry on past a fault of its own bookkeeping (the RIB reads
    /// empty attributes rather than stop every session); nil traps.
    @inlinable public init(released: Value? = nil) {
        self.released = released
    }

    /// Distinct values held.
    @inlinable public var count: Int { ids.count }

    /// The number of `value`, with one reference more.
    @inlinable public mutating func intern(_ value: Value) -> ID {
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
    @inlinable public mutating func retain(_ id: ID) { counts[Int(id)] &+= 1 }

    /// References held on `id`; 0 once it is gone.
    @inlinable public func references(_ id: ID) -> UInt32 { Int(id) < counts.count ? counts[Int(id)] : 0 }

    /// One reference less; the value goes with its last reference.
    @inlinable public mutating func release(_ id: ID) {
        let i = Int(id)
        guard counts[i] > 0 else { return }
        counts[i] -= 1
        guard counts[i] == 0, let value = values[i] else { return }
        ids[value] = nil
        values[i] = nil
        free.append(id)
        droppedCount &+= 1
    }

    /// The value of a number in use; a number no longer in use (a fault of
    /// the caller's) reads as `released`, or traps without it.
    @inlinable public subscript(id: ID) -> Value {
        if Int(id) < values.count, let value = values[Int(id)] { return value }
        guard let released else { preconditionFailure("interned value \(id) was released") }
        return released
    }
}
