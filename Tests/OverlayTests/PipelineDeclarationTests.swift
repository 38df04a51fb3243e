import OpenFlow
import OpenFlowTables
import Overlay
import Testing
import TestSupport

/// The pipeline's tables and priorities are declared by name
/// (`PipelineTable`, `FlowPriority`): every flow it makes sits at a declared
/// priority of a declared table, goes only to the tables its table declares
/// as next, and every declaration is used by some flow.
@Suite("Pipeline: tables and priorities by declaration")
struct PipelineDeclarationTests {
    /// Bridges of every shape: random layouts (flooding, meters, secured
    /// ports) with random local and remote endpoints.
    static let states: [BridgeState] = (UInt64(1)...8).map { seed in
        var g = SplitMix64(state: seed)
        var state = BridgeState(vxlanPort: 100)
        state.layout = SmallUniverse.layout(&g)
        for _ in 0..<40 { state.upsert(SmallUniverse.endpoint(&g)) }
        return state
    }

    @Test("the tables are declared once, in packet order, and Pipeline.Table reads them")
    func tables() {
        let ids = PipelineTable.all.map(\.id)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(Set(PipelineTable.all.map(\.name)).count == ids.count)
        #expect([Pipeline.Table.classify, Pipeline.Table.source, Pipeline.Table.addressResolution,
                 Pipeline.Table.neighborAdvertisement, Pipeline.Table.forward] == ids)
        for table in PipelineTable.all {
            #expect(table.next.allSatisfy { next in next > table.id && ids.contains(next) }, "\(table)")
        }
        let places = FlowPriority.all.map { "\($0.table.name)/\($0.name)" }
        #expect(Set(places).count == places.count, "a priority declared twice under one name")
    }

    @Test("every flow sits at a declared priority and goes only to a declared next table", arguments: 0..<8)
    func flowsFollowTheDeclarations(_ index: Int) {
        let declared = Set(FlowPriority.all.map { PlaceKey(table: $0.table.id, priority: $0.value) })
        for flow in Pipeline.flows(for: Self.states[index]).entries {
            #expect(declared.contains(PlaceKey(table: flow.key.tableID, priority: flow.key.priority)), "\(flow.key)")
            guard let table = PipelineTable.all.first(where: { $0.id == flow.key.tableID }) else {
                Issue.record("\(flow.key): no declared table")
                continue
            }
            for case let .gotoTable(next) in flow.instructions {
                #expect(table.next.contains(next), "\(flow.key) goes to table \(next), not declared next of \(table)")
            }
        }
    }

    @Test("every declared priority is used by some flow")
    func everyDeclarationUsed() {
        var used: Set<PlaceKey> = []
        for state in Self.states {
            for flow in Pipeline.flows(for: state).entries { used.insert(PlaceKey(table: flow.key.tableID, priority: flow.key.priority)) }
        }
        for priority in FlowPriority.all {
            #expect(used.contains(PlaceKey(table: priority.table.id, priority: priority.value)), "\(priority) names no flow")
        }
    }

    struct PlaceKey: Hashable {
        var table: UInt8
        var priority: UInt16
    }
}
