import Foundation
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// A reconciliation larger than one chunk, against real Open vSwitch: every
/// flow arrives, the change goes in barrier-confirmed chunks, and the log
/// shows its progress at most once a second.
@Suite("Controller: a large reconciliation on real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "")))
struct LargeReconcileOVSTests {
    @Test("200,000 flows: all installed, progress lines a second apart at most, counts in batches")
    func largeTable() async throws {
        let count = 10 * ReconcileProgress.chunk
        let table = FlowTable((0..<count).map { i in
            FlowEntry(tableID: 1, priority: 1, match: Match([OXMField(.metadata, UInt64(i))]),
                      cookie: CookieSpace.swiftplane.cookie(UInt64(i)), instructions: [])
        })
        try await OVSSandbox.with(hint: "big") { sandbox in
            let log = LogCapture()
            let controller = OpenFlowController(logger: log.logger)
            try await controller.start(boundSocket: try NetworkNamespace.listeningSocket(netns: sandbox.name, port: 6653))
            do {
                try sandbox.setController("tcp:127.0.0.1:6653")
                let dpid = try #require(await nextEvent(controller.events, seconds: 10) { if case let .up(info) = $0 { info.datapathID } else { nil } })
                let report = try await controller.setFlows(table, on: dpid)
                #expect(report.added == count)
                let aggregate = try sandbox.ofctl("dump-aggregate", sandbox.bridge, "table=1")
                #expect(aggregate.contains("flow_count=\(count)"), "\(aggregate)")
                let lines = log.all.filter { $0.message == "flows sending" }
                let seconds = Double(report.duration.components.seconds) + Double(report.duration.components.attoseconds) * 1e-18
                print("\(count) flows installed in \(String(format: "%.2f", seconds)) s; progress: \(lines.compactMap { $0.metadata["flow-mods"] })")
                // One line a second at most, each at a batch boundary short of the total.
                #expect(Double(lines.count) <= seconds)
                // A chunk takes well under a second here (60,000 flows took 1.25 s), so a sync of
                // 2.5 s or more has a chunk confirmed more than a second after the start.
                if seconds >= 2.5 { #expect(!lines.isEmpty, "a \(seconds) s sync logged no progress") }
                for line in lines {
                    let sent = Int(line.metadata["flow-mods"]?.split(separator: "/").first ?? "") ?? -1
                    let batch = OpenFlowController.Configuration().flowModsPerBatch
                    #expect(sent > 0 && sent < count && sent % batch == 0, "\(line.metadata)")
                }
            } catch {
                await controller.stop()
                throw error
            }
            await controller.stop()
        }
    }
}
