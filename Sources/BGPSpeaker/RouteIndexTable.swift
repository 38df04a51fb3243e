/// The lookup from a destination to its route index: an open-addressing hash
/// table of 8-byte slots, each an index with its hash. A `[NLRI: RouteIndex]`
/// dictionary would keep a second copy of every NLRI (about 90 bytes) next
/// to the RIB's own array; this table holds integers only and asks the
/// caller, which owns the NLRI, whether a candidate matches. The hash in the
/// slot spares a probe the caller's NLRI (and its cache miss) unless the
/// hashes agree, and lets growing and shifting run without rehashing.
struct RouteIndexTable: Sendable {
    typealias RouteIndex = UInt32

    /// The hash in the high 32 bits, route index + 1 in the low; 0 marks an
    /// empty slot. Linear probing without tombstones: removal shifts the run
    /// behind the hole back, so lookups do not slow down with churn.
    private var slots: [UInt64] = Array(repeating: 0, count: 16)
    private(set) var count = 0

    private var mask: Int { slots.count - 1 }

    private static func slot(_ index: RouteIndex, _ hash: UInt32) -> UInt64 { UInt64(hash) << 32 | UInt64(index + 1) }
    private func home(_ slot: UInt64) -> Int { Int(truncatingIfNeeded: slot >> 32) & mask }

    /// The index stored under `hash` for which `matches` holds.
    func find(hash: UInt32, matches: (RouteIndex) -> Bool) -> RouteIndex? {
        var s = Int(hash) & mask
        let h = UInt64(hash)
        while true {
            let v = slots[s]
            if v == 0 { return nil }
            if v >> 32 == h {
                let i = RouteIndex(truncatingIfNeeded: v) &- 1
                if matches(i) { return i }
            }
            s = (s + 1) & mask
        }
    }

    /// Reads the home slot of every hash, each independent of the others,
    /// so the processor fetches their cache lines together; the probes that
    /// follow then find them at hand. Returns what it read, for the caller
    /// to keep.
    func touch(_ hashes: [UInt32]) -> UInt64 {
        var x: UInt64 = 0
        for h in hashes { x ^= slots[Int(h) & mask] }
        return x
    }

    /// Adds `index`, not in the table yet, under `hash`.
    mutating func insert(_ index: RouteIndex, hash: UInt32) {
        // At most 3/4 full keeps probe runs short.
        if (count + 1) * 4 > slots.count * 3 { grow() }
        place(Self.slot(index, hash))
        count += 1
    }

    /// Removes `index`, stored under `hash`, if present.
    mutating func remove(_ index: RouteIndex, hash: UInt32) {
        let wanted = Self.slot(index, hash)
        var s = Int(hash) & mask
        while slots[s] != wanted {
            if slots[s] == 0 { return }
            s = (s + 1) & mask
        }
        slots[s] = 0
        count -= 1
        // Backward shift: an entry after the hole moves into it unless its
        // home slot lies cyclically in (hole, entry].
        var hole = s
        var j = s
        while true {
            j = (j + 1) & mask
            let v = slots[j]
            if v == 0 { return }
            let at = home(v)
            let stays = hole <= j ? (at > hole && at <= j) : (at > hole || at <= j)
            if !stays {
                slots[hole] = v
                slots[j] = 0
                hole = j
            }
        }
    }

    private mutating func place(_ slot: UInt64) {
        var s = home(slot)
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        for v in old where v != 0 { place(v) }
    }
}
