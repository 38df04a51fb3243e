/// The destinations whose state a peer has not been sent yet, in the order
/// they changed. Only marks are kept (a bit per route index plus a list):
/// what to send is read from the Loc-RIB when the UPDATEs are built, so a
/// destination that changes many times before then costs one entry.
/// Taken from the front a few at a time (`next`), so a large table goes out
/// in bounded pieces without moving the rest.
struct PendingRoutes: Sendable {
    typealias RouteIndex = UInt32

    private var bits: [UInt64] = []
    private var list: [RouteIndex] = []
    /// Entries of `list` before this one are taken.
    private var head = 0

    var isEmpty: Bool { head == list.count }
    var count: Int { list.count - head }

    mutating func insert(_ i: RouteIndex) {
        let word = Int(i >> 6), bit = UInt64(1) << UInt64(i & 63)
        if word >= bits.count { bits.append(contentsOf: repeatElement(0, count: max(word + 1 - bits.count, bits.count))) }
        guard bits[word] & bit == 0 else { return }
        bits[word] |= bit
        list.append(i)
    }

    /// The oldest mark, removed; nil when none is left.
    mutating func next() -> RouteIndex? {
        guard head < list.count else { return nil }
        let i = list[head]
        head += 1
        bits[Int(i >> 6)] &= ~(UInt64(1) << UInt64(i & 63))
        if head == list.count {
            // A small list keeps its storage; a table's worth is given back (a thousand peers hold one each).
            list.removeAll(keepingCapacity: list.count <= 1 << 10)
            head = 0
        } else if head >= 1 << 16, head * 2 >= list.count {
            // Taken entries are dropped once they are most of the list.
            list.removeFirst(head)
            head = 0
        }
        return i
    }

    mutating func removeAll() {
        list = []
        head = 0
        bits = []
    }
}
