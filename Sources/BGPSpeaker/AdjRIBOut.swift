/// What was last sent to one peer: an attribute set id per route index.
/// In pages of `pageSize` indices, 4 bytes a route within a page, made as a
/// route in their span is sent and dropped when the last goes: a client
/// sent every route pays about what a dense array costs, one sent a few
/// tenants (route target constraint) only the pages their routes fall in
/// (a dictionary would cost 4 to 8 times as much per entry).
struct AdjRIBOut: Sendable {
    typealias RouteIndex = UInt32
    private static let none = AttributeStore.ID.max
    static let pageShift = 9
    static let pageSize = 1 << pageShift

    /// Empty: no route of the page's span is held.
    private var pages: [[AttributeStore.ID]] = []
    /// Routes held per page.
    private var held: [UInt16] = []
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
            let p = Int(i) >> Self.pageShift
            guard p < pages.count, !pages[p].isEmpty else { return nil }
            let id = pages[p][Int(i) & (Self.pageSize - 1)]
            return id == Self.none ? nil : id
        }
        set {
            let k = Int(i), p = k >> Self.pageShift, o = k & (Self.pageSize - 1)
            if p >= pages.count || pages[p].isEmpty {
                guard newValue != nil else { return }
                if p >= pages.count {
                    let more = max(p + 1 - pages.count, pages.count)
                    pages.append(contentsOf: repeatElement([], count: more))
                    held.append(contentsOf: repeatElement(0, count: more))
                }
                pages[p] = Array(repeating: Self.none, count: Self.pageSize)
            }
            let old = pages[p][o]
            if old != Self.none {
                fingerprint &-= Self.mix(k, old)
                count -= 1
                held[p] -= 1
            }
            if let n = newValue {
                fingerprint &+= Self.mix(k, n)
                count += 1
                held[p] += 1
                pages[p][o] = n
            } else if held[p] == 0 {
                pages[p] = []
            } else {
                pages[p][o] = Self.none
            }
        }
    }

    /// Every entry, in index order.
    var entries: [(index: RouteIndex, id: AttributeStore.ID)] {
        var out: [(index: RouteIndex, id: AttributeStore.ID)] = []
        out.reserveCapacity(count)
        for (p, page) in pages.enumerated() where !page.isEmpty {
            for (o, id) in page.enumerated() where id != Self.none { out.append((RouteIndex(p << Self.pageShift + o), id)) }
        }
        return out
    }

    mutating func removeAll() {
        pages = []
        held = []
        count = 0
        fingerprint = 0
    }

    /// Whether both hold the same entries (whatever their spans).
    func sameEntries(_ other: AdjRIBOut) -> Bool {
        guard count == other.count, fingerprint == other.fingerprint else { return false }
        for p in 0..<max(pages.count, other.pages.count) {
            let a = p < pages.count ? pages[p] : [], b = p < other.pages.count ? other.pages[p] : []
            if a != b { return false }
        }
        return true
    }
}
