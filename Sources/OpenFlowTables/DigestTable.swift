/// A hash table from 64-bit key digests to small fixed-size values, kept
/// dense: open addressing with linear probing, filled to 80% before it
/// grows (a `Dictionary` grows at 75% and keeps keys and values apart), and
/// deletion by shifting back the entries that follow (no tombstones). It
/// holds `FlowShadow`'s digests of installed flows: at 200,000 flows a
/// `Dictionary` of the same entries takes 524,288 buckets, this 262,144.
struct DigestTable<Value: Sendable>: Sendable {
    /// Slots, a power of two in number; key 0 marks an empty one (a key
    /// digest of 0 is taken as 1).
    private var slots: [Slot]
    private(set) var count = 0
    /// What an empty slot holds (never read as a value).
    private let placeholder: Value

    private struct Slot: Sendable {
        var key: Int
        var value: Value
        var isEmpty: Bool { key == 0 }
    }

    init(placeholder: Value, minimumCapacity: Int = 0) {
        self.placeholder = placeholder
        slots = Array(repeating: Slot(key: 0, value: placeholder), count: Self.slotCount(for: minimumCapacity))
    }

    /// The fewest slots (a power of two, at least 8) that hold `count` entries within the load limit.
    private static func slotCount(for count: Int) -> Int {
        var slots = 8
        while count * 5 > slots * 4 { slots *= 2 }
        return slots
    }

    private var mask: Int { slots.count - 1 }

    /// The slot holding `key`, or the empty slot where it would go.
    private func find(_ key: Int) -> (index: Int, found: Bool) {
        var index = Self.home(key) & mask
        while !slots[index].isEmpty {
            if slots[index].key == key { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    /// Keys are hash values already; this spreads their low bits anyway.
    private static func home(_ key: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> 17)
    }

    subscript(key: Int) -> Value? {
        get {
            let (index, found) = find(key == 0 ? 1 : key)
            return found ? slots[index].value : nil
        }
        set {
            if let newValue {
                insert(newValue, for: key == 0 ? 1 : key)
            } else {
                remove(key == 0 ? 1 : key)
            }
        }
    }

    private mutating func insert(_ value: Value, for key: Int) {
        var (index, found) = find(key)
        if found {
            slots[index].value = value
            return
        }
        if (count + 1) * 5 > slots.count * 4 {
            grow(to: slots.count * 2)
            index = find(key).index
        }
        slots[index] = Slot(key: key, value: value)
        count += 1
    }

    private mutating func remove(_ key: Int) {
        var (hole, found) = find(key)
        guard found else { return }
        let empty = Slot(key: 0, value: placeholder)
        slots[hole] = empty
        count -= 1
        // Shift back each following entry that may fill the hole: one
        // whose home is not cyclically in (hole, index].
        var index = (hole + 1) & mask
        while !slots[index].isEmpty {
            let home = Self.home(slots[index].key) & mask
            let movable = hole <= index ? (home <= hole || home > index) : (home <= hole && home > index)
            if movable {
                slots[hole] = slots[index]
                slots[index] = empty
                hole = index
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow(to slotCount: Int) {
        let old = slots
        slots = Array(repeating: Slot(key: 0, value: placeholder), count: slotCount)
        for slot in old where !slot.isEmpty {
            slots[find(slot.key).index] = slot
        }
    }

    /// Makes room for `count` entries without growing (empties the table).
    mutating func removeAll(keepingCapacity minimumCapacity: Int) {
        slots = Array(repeating: Slot(key: 0, value: placeholder), count: Self.slotCount(for: minimumCapacity))
        count = 0
    }
}
