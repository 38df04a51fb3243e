import BGP
@testable import BGPSpeaker
import Testing
import TestSupport

/// The RIB's compact storage: the index-only lookup table, the inline first
/// path with further paths beside it, and route indices freed and reused.
struct RIBStorageTests {
    struct HashRow: NamedRow {
        var name: String
        var hash: @Sendable (UInt32) -> UInt32
    }

    /// Spread hashes, every key colliding, and two crowded home slots next to the
    /// table's end (so runs wrap around and removal shifts across the wrap).
    static let hashes: [HashRow] = [
        HashRow(name: "spread") { UInt32(truncatingIfNeeded: Int($0).hashValue) },
        HashRow(name: "all collide") { _ in 7 },
        HashRow(name: "two slots at the end, wrapping") { $0 % 2 == 0 ? 0xffff_ffff : 0xffff_fffe },
    ]

    @Test(arguments: hashes)
    func lookupTableAgreesWithADictionary(_ row: HashRow) {
        var table = RouteIndexTable()
        var model: Set<UInt32> = []
        var generator = SystemRandomNumberGenerator()
        func check() {
            for i in UInt32(0)..<400 {
                let found = table.find(hash: row.hash(i)) { $0 == i }
                #expect((found != nil) == model.contains(i), "\(row.name): index \(i)")
                if let found { #expect(found == i) }
            }
            #expect(table.count == model.count)
        }
        for i in UInt32(0)..<300 { table.insert(i, hash: row.hash(i)); model.insert(i) }
        check()
        // Remove in random order, re-insert some, twice over: holes in the middle of runs.
        for _ in 0..<2 {
            for i in model.shuffled(using: &generator).prefix(150) { table.remove(i, hash: row.hash(i)); model.remove(i) }
            check()
            for i in UInt32(0)..<400 where !model.contains(i) && Bool.random(using: &generator) {
                table.insert(i, hash: row.hash(i)); model.insert(i)
            }
            check()
        }
    }

    static let removalOrders: [[Int]] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]

    /// Three paths for one destination (one inline, two beside it): whatever
    /// order they go in, the best is always the best one left.
    @Test(arguments: removalOrders)
    func bestOfSeveralPathsWhileTheyGo(_ order: [Int]) throws {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        let peers = [PeerID(1), PeerID(2), PeerID(3)], receiver = PeerID(4)
        for (k, p) in peers.enumerated() { rib.addPeer(p, Routes.peer(UInt8(k + 1))) }
        rib.addPeer(receiver, Routes.peer(9))
        let route = Routes.macIP(1)
        let localPrefs: [UInt32] = [100, 300, 200]
        for (k, p) in peers.enumerated() {
            rib.apply(Routes.announce([route], Routes.attributes(localPref: localPrefs[k])), from: p)
        }
        #expect(rib.best(route)?.peer == peers[1])
        var left = Set(0..<3)
        for k in order {
            rib.apply(Routes.withdraw([route]), from: peers[k])
            left.remove(k)
            let bestLeft = left.max { localPrefs[$0] < localPrefs[$1] }
            #expect(rib.best(route)?.peer == bestLeft.map { peers[$0] }, "after \(k) went, left \(left.sorted())")
            #expect(rib.prefixCount(peers[k]) == 0)
            let sent = rib.pendingUpdates(for: receiver)
            if let bestLeft {
                #expect(rib.advertised(to: receiver)[route]?.attributes.localPref == localPrefs[bestLeft])
            } else {
                #expect(sent.flatMap(\.unreach) == [route])
            }
        }
        #expect(rib.routeCount == 0)
        #expect(rib.store.count == 0)
    }

    /// Destinations come and go and their indices are reused: the receiver's
    /// Adj-RIB-Out always equals what is announced, nothing leaks.
    @Test func churnReusesIndicesExactly() {
        var rib = RIB(routerID: Routes.rr, clusterID: Routes.cluster)
        let source = PeerID(1), receiver = PeerID(2)
        rib.addPeer(source, Routes.peer(1))
        rib.addPeer(receiver, Routes.peer(2))
        var held: Set<UInt32> = []
        var generator = SystemRandomNumberGenerator()
        for round in 0..<6 {
            let add = (0..<300).map { _ in UInt32.random(in: 0..<2000, using: &generator) }
            let remove = held.shuffled(using: &generator).prefix(held.count / 2)
            rib.apply(Routes.withdraw(remove.map { Routes.macIP($0) }), from: source)
            rib.apply(Routes.announce(add.map { Routes.macIP($0) }, Routes.attributes()), from: source)
            held.subtract(remove)
            held.formUnion(add)
            _ = rib.pendingUpdates(for: receiver)
            #expect(Set(rib.advertised(to: receiver).keys) == Set(held.map { Routes.macIP($0) }), "round \(round)")
            #expect(rib.prefixCount(source) == held.count)
            #expect(rib.routeCount == held.count)
        }
        rib.removePeer(source)
        _ = rib.pendingUpdates(for: receiver)
        #expect(rib.advertised(to: receiver).isEmpty)
        #expect(rib.store.count == 0)
    }
}
