/// The lookup from a destination to its route index: an open-addressing hash
/// table of 4-byte slots, plus each index's hash. A `[NLRI: RouteIndex]`
/// dictionary would keep a second copy of every NLRI (about 90 bytes) next
/// to the RIB's own array; this table holds integers only and asks the
/// caller, which owns the NLRI, whether a candidate matches.
struct RouteIndexTable: Sendable {
    typealias RouteIndex = UInt32

    /// Route index + 1; 0 marks an empty slot. Linear probing without
    /// tombstones: removal shifts the run behind the hole back, so lookups do
    /// not slow down with churn.
    private var slots: [UInt32] = Array(repeating: 0, count: 16)
    /// The hash of each index in the table, so growing and shifting never rehash an NLRI.
    private var hashes: [UInt32] = []
    private(set) var count = 0

    private var mask: Int { slots.count - 1 }

    /// The index stored under `hash` for which `matches` holds.
    func find(hash: UInt32, matches: (RouteIndex) -> Bool) -> RouteIndex? {
        var s = Int(hash) & mask
        while true {
            let v = slots[s]
            if v == 0 { return nil }
            if hashes[Int(v - 1)] == hash, matches(v - 1) { return v - 1 }
            s = (s + 1) & mask
        }
    }

    /// Adds `index`, not in the table yet, under `hash`.
    mutating func insert(_ index: RouteIndex, hash: UInt32) {
        // At most 3/4 full keeps probe runs short.
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let k = Int(index)
        if k >= hashes.count { hashes.append(contentsOf: repeatElement(0, count: max(k + 1 - hashes.count, hashes.count))) }
        hashes[k] = hash
        place(index)
        count += 1
    }

    /// Removes `index` if present.
    mutating func remove(_ index: RouteIndex) {
        guard Int(index) < hashes.count else { return }
        var s = Int(hashes[Int(index)]) & mask
        while slots[s] != index + 1 {
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
            let home = Int(hashes[Int(v - 1)]) & mask
            let stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !stays {
                slots[hole] = v
                slots[j] = 0
                hole = j
            }
        }
    }

    private mutating func place(_ index: RouteIndex) {
        var s = Int(hashes[Int(index)]) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = index + 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        for v in old where v != 0 { place(v - 1) }
    }
}
