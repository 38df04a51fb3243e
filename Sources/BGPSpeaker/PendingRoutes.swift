/// The destinations whose state a peer has not been sent yet, in the order
/// they changed. Only marks are kept (a bit per route index plus a list):
/// what to send is read from the Loc-RIB when the UPDATEs are built, so a
/// destination that changes many times before then costs one entry.
struct PendingRoutes: Sendable {
    typealias RouteIndex = UInt32

    private var bits: [UInt64] = []
    private(set) var indices: [RouteIndex] = []

    var isEmpty: Bool { indices.isEmpty }

    mutating func insert(_ i: RouteIndex) {
        let word = Int(i >> 6), bit = UInt64(1) << UInt64(i & 63)
        if word >= bits.count { bits.append(contentsOf: repeatElement(0, count: max(word + 1 - bits.count, bits.count))) }
        guard bits[word] & bit == 0 else { return }
        bits[word] |= bit
        indices.append(i)
    }

    /// Every mark, emptied.
    mutating func take() -> [RouteIndex] {
        let out = indices
        for i in out { bits[Int(i >> 6)] = 0 }
        indices = []
        return out
    }

    mutating func removeAll() {
        indices = []
        bits = []
    }
}
