@testable import OpenFlowTables
import Testing

/// A bulk change makes the shadow's pending keys grow to its size; once the
/// switch has confirmed it all, that room is given back, so an agent's
/// memory after 200,000 flows came and went is what it holds, not its peak.
@Suite("FlowShadow: the room of a bulk change is given back")
struct FlowShadowRoomTests {
    @Test("added, then removed: once confirmed, a bulk change gives its room back, a small one keeps it",
          arguments: [FlowShadow.keptCapacity / 2, 20_000])
    func roomGivenBack(flows: Int) {
        var shadow = FlowShadow()
        shadow.reconcile(dump: [], wanted: FlowTable(), owner: .swiftplane)
        for removing in [false, true] {
            var changes = FlowChanges()
            for n in 0..<flows {
                let flow = FlowShadowTests.flow(n, version: 0)
                if removing { changes.remove(flow.key) } else { changes.set(flow) }
            }
            shadow.apply(changes)
            #expect(shadow.pendingCapacity >= flows)
            while let batch = shadow.nextBatch(limit: 5_000, at: .now) { shadow.confirm(batch, at: .now) }
            #expect(shadow.pendingCount == 0 && shadow.wantedCount == (removing ? 0 : flows))
            // A bulk change gives its room back; a small one keeps it for the next.
            if flows > FlowShadow.keptCapacity {
                #expect(shadow.pendingCapacity == 0)
            } else {
                #expect(shadow.pendingCapacity >= flows)
            }
        }
    }
}
