/// What was last sent to one peer: an attribute set id per route index.
/// Dense, 4 bytes a route: a reflector sends nearly every route to nearly
/// every client, and a dictionary would cost 4 to 8 times as much per entry.
/// Grows only as far as the highest index the peer was sent.
struct AdjRIBOut: Sendable {
    typealias RouteIndex = UInt32
    private static let none = AttributeStore.ID.max

    private var ids: [AttributeStore.ID] = []
    private(set) var count = 0

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
    }
}
