import BGP
import BGPSpeaker
import Interning
import Testing

/// The RIB's interned attribute sets: one entry per distinct set, counted
/// references, numbers reused once free, and a number read after its last
/// release gives empty attributes (the reflector carries on) rather than a trap.
@Suite("AttributeStore: interned attribute sets")
struct AttributeStoreTests {
    static let empty = RouteAttributes(attributes: PathAttributes(), nextHop: [])
    static func attributes(_ n: UInt8) -> RouteAttributes {
        RouteAttributes(attributes: PathAttributes(), nextHop: [10, 0, 0, n])
    }

    @Test("interned twice, one entry; released twice, gone and its number reused")
    func counts() {
        var store = AttributeStore(released: Self.empty)
        let a = store.intern(Self.attributes(1))
        #expect(store.intern(Self.attributes(1)) == a && store.count == 1 && store.references(a) == 2)
        let b = store.intern(Self.attributes(2))
        #expect(b != a && store.count == 2 && store[b] == Self.attributes(2))
        store.release(a)
        #expect(store[a] == Self.attributes(1) && store.references(a) == 1)
        store.release(a)
        #expect(store.count == 1 && store.references(a) == 0 && store.dropped == 1)
        #expect(store.intern(Self.attributes(3)) == a)
    }

    @Test("a number read after its last release, or never given, reads as the released value")
    func releasedReadsEmpty() {
        var store = AttributeStore(released: Self.empty)
        let a = store.intern(Self.attributes(1))
        store.release(a)
        #expect(store[a] == Self.empty)
        #expect(store[a + 7] == Self.empty)
        store.release(a)   // once more: nothing to drop
        #expect(store.references(a) == 0 && store.dropped == 1)
    }

    @Test("InternTable of any value: the value back by its number")
    func generic() {
        var table = InternTable<String>()
        let x = table.intern("x"), y = table.intern("y")
        #expect(table[x] == "x" && table[y] == "y" && table.count == 2)
    }
}
