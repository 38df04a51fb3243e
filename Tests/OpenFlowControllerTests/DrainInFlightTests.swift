import Foundation
import NIOConcurrencyHelpers
import NIOCore
import OpenFlow
import OpenFlowController
import OpenFlowTables
import TestSupport
import Testing

/// The switch's worker keeps two barrier-confirmed batches in flight: it
/// sends the next batch while the previous one's barrier is out, and never
/// a third. A switch that holds its barrier replies until the test lets them
/// go shows it, batch by batch.
@Suite("Controller drain: at most two batches in flight", .serialized)
struct DrainInFlightTests {
    static let dpid: DatapathID = 0x2f

    /// `count` flows of ours, each with its own match and output.
    static func flows(_ count: Int) -> FlowTable {
        FlowTable((1...count).map { n in
            FlowEntry(tableID: 0, priority: 100, match: Match([OXMField(.inPort, UInt64(n))]),
                      cookie: CookieSpace.swiftplane.cookie(UInt64(n)), instructions: [.applyActions([.output(UInt32(n + 100))])])
        })
    }

    /// Waits until the controller has done all it can do without a new
    /// reply from the switch: an ECHO_REQUEST goes through the controller
    /// actor and the switch's event loop, behind any batch the worker
    /// already had queued, and the switch sees it after such a batch.
    static func quiesce(_ controller: OpenFlowController) async throws {
        _ = try await controller.request(.echoRequest(ByteBuffer()), on: dpid)
    }

    @Test("10 flows in batches of 4: the second batch goes out before the first barrier's reply, the third only after it; a FLOW_MOD refused in the first batch is retried, the rest confirmed")
    func twoBatchesInFlight() async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.bundles = false
        configuration.flowModsPerBatch = 4
        let wanted = Self.flows(10)
        let held = HeldBarrierSwitch(refusing: 1)
        let events = NIOLockedValueBox<[SwitchEvent]>([])
        try await withConnectedFakeSwitch(configuration, datapathID: Self.dpid, received: { _ in },
                                          answers: { held.answers($0, on: $1) }) { controller, peer in
            let collector = Task { for await event in controller.events { events.withLockedValue { $0.append(event) } } }
            defer { collector.cancel() }
            await controller.replaceTables(SwitchTables(flows: wanted), on: Self.dpid)

            // (a) Two batches out, neither barrier answered; (b) no third.
            #expect(await eventually(5) { held.barriers >= 2 })
            try await Self.quiesce(controller)
            #expect(held.shape == "FFFFBFFFFB")
            #expect(await controller.pendingFlowCount(on: Self.dpid) == 10)

            // The first barrier answered, with an ERROR for the batch's first
            // FLOW_MOD: its three others are confirmed while the second batch
            // is still out, the refused one is not, and the third batch goes.
            #expect(held.release(on: peer))
            #expect(await eventually(5) { held.barriers >= 3 })
            #expect(await eventually(5) { await controller.pendingFlowCount(on: Self.dpid) == 7 })
            let confirmed = ContinuousClock.now
            try await Self.quiesce(controller)
            #expect(held.shape == "FFFFBFFFFBERFFB", "the refused flow waits for its backoff; no fourth batch while two are out")
            let refused = try #require(held.refused.first)
            #expect(held.seen.first.flatMap { if case let .flowMod(key, _) = $0 { key } else { nil } } == refused, "the first batch's first")

            // Past the refused flow's backoff, the second barrier answered:
            // the refused flow goes again, alone, while the third batch is out.
            try await Task.sleep(until: confirmed + FlowShadow.backoff(attempts: 1), clock: .continuous)
            #expect(held.release(on: peer))
            #expect(await eventually(5) { held.barriers >= 4 })
            try await Self.quiesce(controller)
            #expect(held.shape == "FFFFBFFFFBERFFBRFB")
            #expect(held.release(on: peer))
            #expect(held.release(on: peer))

            // (c) The switch holds exactly what is wanted, and the report says so.
            let report = await nextReport(events)
            #expect(held.table == Set(wanted.entries))
            #expect(held.shape == "FFFFBFFFFBERFFBRFBRR")
            let sends = Dictionary(grouping: held.seen.compactMap { if case let .flowMod(key, _) = $0 { key } else { nil } }, by: { $0 })
            #expect(sends.count == 10 && sends.allSatisfy { $0.value.count == ($0.key == refused ? 2 : 1) },
                    "each flow sent once, the refused one twice")
            #expect(report?.added == 10 && report?.modified == 0 && report?.deleted == 0, "\(String(describing: report))")
            #expect(report?.rejected == 1 && report?.unchanged == 0 && report?.readSwitch == true)
            #expect(await controller.pendingFlowCount(on: Self.dpid) == 0)
            #expect(controller.statistics.rejectedMods == 1)
            let rejections = events.withLockedValue { $0 }.compactMap { if case let .flowRejected(_, key, _) = $0 { key } else { nil } }
            #expect(rejections == [refused])
        }
    }

    /// The first `flowsSynced` report collected, waited for.
    private func nextReport(_ events: NIOLockedValueBox<[SwitchEvent]>) async -> FlowSyncReport? {
        let report = { events.withLockedValue { $0 }.lazy.compactMap { if case let .flowsSynced(report) = $0 { report } else { nil } }.first }
        _ = await eventually(5) { report() != nil }
        return report()
    }
}
