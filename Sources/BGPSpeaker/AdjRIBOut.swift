/// What was last sent to one peer: an attribute set id per route index.
/// Dense, 4 bytes a route: a reflector sends nearly every route to nearly
/// every client, and a dictionary would cost 4 to 8 times as much per entry.
/// Grows only as far as the highest index the peer was sent.
struct AdjRIBOut: Sendable {
    typealias RouteIndex = UInt32
    private static let none = AttributeStore.ID.max

    private var ids: [AttributeStore.ID] = []
    private(set) var count = 0
    /// A sum over the entries of a mix of index and id, kept as they
    /// change: two tables that differ almost surely differ here, so peers
    /// in step are found without comparing whole tables (`sameEntries`).
    private(set) var fingerprint: UInt64 = 0

    private static func mix(_ k: Int, _ id: AttributeStore.ID) -> UInt64 {
        var x = UInt64(truncatingIfNeeded: k) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(id) &* 0xC2B2_AE3D_27D4_EB4F
        x ^= x >> 29
        return x &* 0xBF58_476D_1CE4_E5B9
    }

    subscript(i: RouteIndex) -> AttributeStore.ID? {
        get {
            let k = Int(i)
            return k < ids.count && ids[k] != Self.none ? ids[k] : nil
        }
        set {
            let k = Int(i)
            if k >= ids.count {
                guard newValue != nil else { return }
                ids.append(contentsOf: repeatElement(Self.none, count: max(k + 1 - ids.count, ids.count)))
            }
            let had = ids[k] != Self.none
            if had { fingerprint &-= Self.mix(k, ids[k]) }
            if let n = newValue { fingerprint &+= Self.mix(k, n) }
            ids[k] = newValue ?? Self.none
            count += (newValue != nil ? 1 : 0) - (had ? 1 : 0)
        }
    }

    /// Every entry, in index order.
    var entries: [(index: RouteIndex, id: AttributeStore.ID)] {
        var out: [(index: RouteIndex, id: AttributeStore.ID)] = []
        out.reserveCapacity(count)
        for (k, id) in ids.enumerated() where id != Self.none { out.append((RouteIndex(k), id)) }
        return out
    }

    mutating func removeAll() {
        ids = []
        count = 0
        fingerprint = 0
    }

    /// Whether both hold the same entries (whatever their spans).
    func sameEntries(_ other: AdjRIBOut) -> Bool {
        guard count == other.count, fingerprint == other.fingerprint else { return false }
        let n = min(ids.count, other.ids.count)
        guard ids[..<n].elementsEqual(other.ids[..<n]) else { return false }
        let longer = ids.count > n ? ids : other.ids
        return longer[n...].allSatisfy { $0 == Self.none }
    }
}
