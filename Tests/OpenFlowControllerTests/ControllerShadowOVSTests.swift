import Foundation
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// The controller's shadow of a switch against real Open vSwitch: changes
/// go out by difference with no dump, an audit finds and repairs what was
/// changed behind its back, and what the switch refuses is never taken as installed.
@Suite("Controller shadow against real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "")))
struct ControllerShadowOVSTests {
    typealias Setup = ControllerOVSTests

    @Test("an audit repairs a flow deleted by hand with ovs-ofctl, and counts it")
    func auditRepairsDrift() async throws {
        try await Setup.withSetup { sandbox, controller, dpid in
            try await controller.setFlows(FlowTable(Setup.baseFlows), on: dpid)
            #expect(try await controller.audit(dpid) == 0, "nothing drifted yet")
            try sandbox.ofctl("del-flows", "br0", "in_port=1")
            #expect(try sandbox.flowsWithoutStats().count == 2)
            #expect(try await controller.audit(dpid) == 1)
            #expect(controller.statistics.flowDrift == 1)
            #expect(try sandbox.flowsWithoutStats() == Setup.baseDump)
            // A flow changed by hand is drift too.
            try sandbox.ofctl("mod-flows", "br0", "in_port=2,actions=drop")
            #expect(try await controller.audit(dpid) == 1)
            #expect(try sandbox.flowsWithoutStats() == Setup.baseDump)
            #expect(try await controller.audit(dpid) == 0)
        }
    }

    @Test("a change goes out by difference: one FLOW_MOD per changed key, no dump")
    func changeByDifference() async throws {
        try await Setup.withSetup { sandbox, controller, dpid in
            try await controller.setFlows(FlowTable(Setup.baseFlows), on: dpid)
            let before = controller.statistics.flowModsSent
            var changes = FlowChanges()
            changes.remove(Setup.baseFlows[2].key)
            let extra = FlowEntry(tableID: 10, priority: 7, match: Match([OXMField(.ethType, 0x86dd)]), cookie: Setup.ours.cookie(4),
                                  instructions: [])
            changes.set(extra)
            changes.set(Setup.baseFlows[0])  // unchanged: nothing to send
            // The first report (setFlows') is still in the stream: wait for the one with the delete.
            let synced = Task {
                await nextEvent(controller.events, seconds: 5) { if case let .flowsSynced(r) = $0, r.deleted > 0 { r } else { nil } }
            }
            await controller.update(changes, on: dpid)
            let report = try #require(await synced.value)
            #expect([report.added, report.modified, report.deleted] as [Int] == [1, 0, 1])
            #expect(controller.statistics.flowModsSent - before == 2)
            #expect(controller.statistics.bundlesCommitted >= 2, "the first table and this change, each one bundle")
            #expect(controller.statistics.bundlesRejected == 0)
            #expect(try sandbox.flowsWithoutStats() == [
                "cookie=0x5350000000000001, priority=100,in_port=1 actions=output:2",
                "cookie=0x5350000000000002, priority=100,in_port=2 actions=output:1",
                "cookie=0x5350000000000004, table=10, priority=7,ipv6 actions=drop",
            ])
        }
    }

    @Test("a FLOW_MOD the switch refuses is not taken as installed, is retried with backoff, and the others go in")
    func rejectedFlowIsRetried() async throws {
        try await Setup.withSetup { sandbox, controller, dpid in
            try await controller.setFlows(FlowTable(Setup.baseFlows), on: dpid)
            // goto_table may only go forward: OVS refuses this flow.
            let refused = FlowEntry(tableID: 10, priority: 9, match: Match([OXMField(.ethType, 0x0800)]), cookie: Setup.ours.cookie(5),
                                    instructions: [.gotoTable(0)])
            let good = FlowEntry(tableID: 10, priority: 8, match: Match([OXMField(.ethType, 0x86dd)]), cookie: Setup.ours.cookie(6),
                                 instructions: [])
            var changes = FlowChanges()
            changes.set(refused)
            changes.set(good)
            let rejection = Task {
                await nextEvent(controller.events, seconds: 5) { if case let .flowRejected(_, key, _) = $0 { key } else { nil } }
            }
            let committed = controller.statistics.bundlesCommitted
            await controller.update(changes, on: dpid)
            #expect(await rejection.value == refused.key)
            // The bundle with the refused flow changed nothing; its FLOW_MODs went again one by one.
            #expect(controller.statistics.bundlesRejected >= 1)
            #expect(controller.statistics.bundlesCommitted == committed)
            #expect(await eventually(5) { await controller.pendingFlowCount(on: dpid) == 1 })
            let dump = try sandbox.flowsWithoutStats()
            #expect(dump.contains("cookie=0x5350000000000006, table=10, priority=8,ipv6 actions=drop"), "\(dump)")
            #expect(!dump.contains { $0.contains("cookie=0x5350000000000005") })
            // Retried (100 ms, then 200 ms, ...): refused again, still not installed.
            #expect(await eventually(5) { controller.statistics.rejectedMods >= 3 })
            #expect(await controller.pendingFlowCount(on: dpid) == 1)
            // No longer wanted: nothing left to do.
            var undo = FlowChanges()
            undo.remove(refused.key)
            await controller.update(undo, on: dpid)
            #expect(await eventually(5) { await controller.pendingFlowCount(on: dpid) == 0 })
        }
    }

    @Test("a METER_MOD the switch refuses does not hold back the flows")
    func rejectedMeterDoesNotBlockFlows() async throws {
        try await Setup.withSetup { sandbox, controller, dpid in
            // Both rate units at once: OVS refuses the meter (bad flags).
            let meter = MeterEntry(id: IDSpace.swiftplaneMeters.id(1), flags: [.kilobitsPerSecond, .packetsPerSecond],
                                   bands: [MeterBand(.drop, rate: 10, burstSize: 10)])
            let tables = SwitchTables(flows: FlowTable(Setup.baseFlows), meters: MeterTable([meter]))
            let report = try await controller.setTables(tables, on: dpid)
            #expect(report.added == 3)
            #expect(try sandbox.flowsWithoutStats() == Setup.baseDump)
            #expect(controller.statistics.rejectedMods >= 1)
        }
    }
}
