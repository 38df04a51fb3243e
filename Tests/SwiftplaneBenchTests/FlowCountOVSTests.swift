import Foundation
import Testing
import TestSupport
@testable import swiftplane_bench

/// The drills' cheap count (OVS's own count of each table) against the
/// walked one (`dump-aggregate table=N`) on a real Open vSwitch, with flows
/// in several tables and tables left empty between them.
@Suite(.enabled(if: OVSSandbox.isAvailable, Comment(rawValue: OVSSandbox.unavailableReason ?? "")))
struct FlowCountOVSTests {
    @Test func tableCountsAgreeWithAggregates() throws {
        try OVSSandbox.with(hint: "count") { sandbox in
            let file = try TemporaryFolder.create("flow-count")
            defer { try? FileManager.default.removeItem(at: file) }
            let flows = file.appendingPathComponent("flows.txt")
            var lines: [String] = []
            for (table, count) in [(0, 3), (20, 1_500), (30, 2_000), (40, 1)] {
                for n in 0..<count {
                    lines.append("table=\(table),priority=100,metadata=0xa,dl_dst=02:00:00:00:\(String(format: "%02x:%02x", n >> 8, n & 0xff)),actions=drop")
                }
            }
            try lines.joined(separator: "\n").write(to: flows, atomically: true, encoding: .utf8)
            _ = try sandbox.ofctl("-O", "OpenFlow13", "--bundle", "add-flows", sandbox.bridge, flows.path)

            let rundir = try #require(sandbox.environment["OVS_RUNDIR"])
            let target = "unix:\(rundir)/\(sandbox.bridge).mgmt"
            let ofctl = try #require(Command.which("ovs-ofctl"))
            let tables = try #require(FlowCount.readTables([target], ofctl: ofctl).first)
            for table in [0, 1, 19, 20, 21, 30, 31, 40, 41, 253] {
                let walked = try FlowCount.readAll([(target, "table=\(table)")], ofctl: ofctl)[0]
                #expect(tables[table] ?? 0 == walked, "table \(table): \(tables[table] ?? 0) by table counts, \(walked) by aggregate")
            }
            #expect(try FlowCount.injectedTables([target], ofctl: ofctl) == [[2_000, 1_500]])
        }
    }
}
