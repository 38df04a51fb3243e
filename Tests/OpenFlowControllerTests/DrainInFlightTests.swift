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

    /// What the test does, then what the switch has seen: F FLOW_MOD, O A C
    /// a bundle's open, add and commit, B barrier, E error, R barrier reply.
    struct Step: Sendable {
        /// Barriers answered, oldest first.
        var releases: Int
        /// Wait first until the refused FLOW_MOD's backoff is over.
        var afterBackoff = false
        /// Barrier requests seen by then (waited for).
        var barriers: Int
        /// FLOW_MODs not yet confirmed by then (waited for).
        var pending: Int
        /// What the switch saw since the step before, in order.
        var seen: String
    }

    struct Case: NamedRow {
        var name: String
        var bundles: Bool
        /// Times the first batch's first flow is refused.
        var refusals: Int
        var steps: [Step]
        /// How many times each flow went out, most first.
        var sends: [Int]
    }

    static let cases: [Case] = [
        Case(name: "plain batches", bundles: false, refusals: 1, steps: [
            // (a) Two batches out, neither barrier answered; (b) no third.
            Step(releases: 0, barriers: 2, pending: 10, seen: "FFFFBFFFFB"),
            // The first reply, with the ERROR of its first FLOW_MOD: the other
            // three are confirmed while the second batch is out; the third goes.
            Step(releases: 1, barriers: 3, pending: 7, seen: "ERFFB"),
            // After the backoff, the second reply: the refused flow goes again, alone.
            Step(releases: 1, afterBackoff: true, barriers: 4, pending: 3, seen: "RFB"),
            Step(releases: 2, barriers: 4, pending: 0, seen: "RR"),
        ], sends: [2] + Array(repeating: 1, count: 9)),
        Case(name: "bundles", bundles: true, refusals: 2, steps: [
            Step(releases: 0, barriers: 2, pending: 10, seen: "OAAAACBOAAAACB"),
            // The first bundle refused whole (its add and its commit): its
            // FLOW_MODs go again one by one behind the second bundle.
            Step(releases: 1, barriers: 3, pending: 10, seen: "EERFFFFB"),
            // The second bundle confirmed, then the plain batch with its refusal: the third goes.
            Step(releases: 2, barriers: 4, pending: 3, seen: "REROAACB"),
            Step(releases: 1, afterBackoff: true, barriers: 5, pending: 1, seen: "RFB"),
            Step(releases: 1, barriers: 5, pending: 0, seen: "R"),
        ], sends: [3, 2, 2, 2] + Array(repeating: 1, count: 6)),
    ]

    @Test("10 flows in batches of 4: two batches out before the first reply, the third only after it; a flow refused in the first batch is retried, the rest confirmed",
          arguments: cases)
    func twoBatchesInFlight(_ row: Case) async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.bundles = row.bundles
        configuration.flowModsPerBatch = 4
        let wanted = Self.flows(10)
        let held = HeldBarrierSwitch(refusing: row.refusals)
        let events = NIOLockedValueBox<[SwitchEvent]>([])
        try await withConnectedFakeSwitch(configuration, datapathID: Self.dpid, received: { _ in },
                                          answers: { held.answers($0, on: $1) }) { controller, peer in
            let collector = Task { for await event in controller.events { events.withLockedValue { $0.append(event) } } }
            defer { collector.cancel() }
            await controller.replaceTables(SwitchTables(flows: wanted), on: Self.dpid)

            var shape = ""
            var lastStep = ContinuousClock.now
            for (n, step) in row.steps.enumerated() {
                if step.afterBackoff {
                    // The refusal was confirmed before the last step's pending count was seen.
                    try await Task.sleep(until: lastStep + FlowShadow.backoff(attempts: 1), clock: .continuous)
                }
                for _ in 0..<step.releases { #expect(held.release(on: peer), "step \(n): a barrier to answer") }
                shape += step.seen
                #expect(await eventually(5) { held.barriers >= step.barriers }, "step \(n): \(held.shape)")
                #expect(await eventually(5) { await controller.pendingFlowCount(on: Self.dpid) == step.pending }, "step \(n)")
                lastStep = ContinuousClock.now
                try await Self.quiesce(controller)
                #expect(held.shape == shape, "step \(n)")
            }

            // (c) The switch holds exactly what is wanted, and the report says so.
            let report = await Self.reports(events).first
            #expect(held.table == Set(wanted.entries))
            let refused = try #require(held.refusedKey)
            #expect(held.seen.lazy.compactMap(\.flowModKey).first == refused, "the first batch's first flow was refused")
            let sends = Dictionary(grouping: held.seen.compactMap(\.flowModKey), by: { $0 }).mapValues(\.count)
            #expect(sends.values.sorted(by: >) == row.sends && sends[refused] == row.sends.first)
            #expect(report?.added == 10 && report?.modified == 0 && report?.deleted == 0, "\(String(describing: report))")
            #expect(report?.rejected == 1 && report?.unchanged == 0 && report?.readSwitch == true)
            #expect(controller.statistics.rejectedMods == 1)
            #expect(controller.statistics.bundlesCommitted == (row.bundles ? 2 : 0))
            #expect(controller.statistics.bundlesRejected == (row.bundles ? 1 : 0))
            let rejections = events.withLockedValue { $0 }.compactMap { if case let .flowRejected(_, key, _) = $0 { key } else { nil } }
            #expect(rejections == [refused])
        }
    }

    /// The first `count` `flowsSynced` reports collected, waited for.
    static func reports(_ events: NIOLockedValueBox<[SwitchEvent]>, count: Int = 1) async -> [FlowSyncReport] {
        let reports = { events.withLockedValue { $0 }.compactMap { if case let .flowsSynced(report) = $0 { report } else { nil } } }
        _ = await eventually(5) { reports().count >= count }
        return Array(reports().prefix(count))
    }

    @Test("a refused flow still waiting for its retry when the drain ends is reported rejected, not unchanged")
    func refusedIsNotUnchanged() async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.bundles = false
        let held = HeldBarrierSwitch(refusing: 1)
        let events = NIOLockedValueBox<[SwitchEvent]>([])
        try await withConnectedFakeSwitch(configuration, datapathID: Self.dpid, received: { _ in },
                                          answers: { held.answers($0, on: $1) }) { controller, peer in
            let collector = Task { for await event in controller.events { events.withLockedValue { $0.append(event) } } }
            defer { collector.cancel() }
            held.releaseAll(on: peer)
            await controller.replaceTables(SwitchTables(flows: Self.flows(3)), on: Self.dpid)
            // One batch of three, one refused: the drain ends before its backoff; another sends it.
            let reports = await Self.reports(events, count: 2)
            #expect(reports.map(\.added) == [2, 1] && reports.map(\.rejected) == [1, 0], "\(reports)")
            #expect(reports.map(\.unchanged) == [0, 2], "\(reports)")
            #expect(held.shape == "FFFBERFBR")
        }
    }
}
