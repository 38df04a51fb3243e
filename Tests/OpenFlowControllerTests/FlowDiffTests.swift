import OpenFlow
import OpenFlowController
import Testing
import TestSupport

@Suite("FlowDiff: wanted vs installed, as tables")
struct FlowDiffTests {
    static let ours = CookieSpace.swiftplane
    static func cookie(_ low: UInt64) -> UInt64 { ours.cookie(low) }

    /// A flow named by its priority in table 0 or 10, matching in_port.
    static func flow(_ priority: UInt16, table: UInt8 = 0, port: UInt64 = 1, cookie: UInt64 = cookie(1),
                     out: UInt32 = 2, idle: UInt16 = 0) -> FlowEntry {
        FlowEntry(tableID: table, priority: priority, match: Match([OXMField(.inPort, port)]), cookie: cookie,
                  instructions: [.applyActions([.output(out)])], idleTimeout: idle)
    }

    /// Our flows are told apart by priority: the adds, modifies and deletes are priorities.
    typealias Scenario = DiffScenario<FlowEntry, UInt16>

    static let scenarios: [Scenario] = [
        Scenario(name: "empty switch: everything is added", wanted: [flow(10), flow(20), flow(30)], installed: [],
                 adds: [10, 20, 30], modifies: [], deletes: []),
        Scenario(name: "already right: nothing", wanted: [flow(10), flow(20)], installed: [flow(20), flow(10)],
                 adds: [], modifies: [], deletes: []),
        Scenario(name: "other output: modify-strict keeps counters", wanted: [flow(10, out: 3)], installed: [flow(10, out: 2)],
                 adds: [], modifies: [10], deletes: []),
        Scenario(name: "cookie changed: re-added", wanted: [flow(10, cookie: cookie(2))], installed: [flow(10)],
                 adds: [10], modifies: [], deletes: []),
        Scenario(name: "timeout changed: re-added", wanted: [flow(10, idle: 30)], installed: [flow(10)],
                 adds: [10], modifies: [], deletes: []),
        Scenario(name: "our stale flow: deleted", wanted: [flow(10)], installed: [flow(10), flow(20)],
                 adds: [], modifies: [], deletes: [20]),
        Scenario(name: "foreign flow (cookie 0) is left alone", wanted: [flow(10)], installed: [flow(10), flow(20, cookie: 0)],
                 adds: [], modifies: [], deletes: []),
        Scenario(name: "foreign flow under a wanted key is taken over", wanted: [flow(10)], installed: [flow(10, cookie: 0xdead)],
                 adds: [10], modifies: [], deletes: []),
        Scenario(name: "same priority, other match: distinct flows", wanted: [flow(10, port: 1)], installed: [flow(10, port: 2)],
                 adds: [10], modifies: [], deletes: [10]),
        Scenario(name: "same match and priority, other table: distinct flows", wanted: [flow(10, table: 10)], installed: [flow(10)],
                 adds: [10], modifies: [], deletes: [10]),
        Scenario(name: "wanted set emptied: all ours go", wanted: [], installed: [flow(10), flow(20), flow(30, cookie: 7)],
                 adds: [], modifies: [], deletes: [10, 20]),
        Scenario(name: "mixed", wanted: [flow(10), flow(20, out: 9), flow(40)], installed: [flow(10), flow(20), flow(30)],
                 adds: [40], modifies: [20], deletes: [30]),
    ]

    @Test("diff", arguments: scenarios)
    func diff(scenario: Scenario) {
        let diff = FlowDiff(wanted: FlowTable(scenario.wanted), installed: scenario.installed, owner: Self.ours)
        #expect(diff.adds.map(\.key.priority) == scenario.adds)
        #expect(diff.modifies.map(\.key.priority) == scenario.modifies)
        #expect(diff.deletes.map(\.key.priority) == scenario.deletes)
        let commands = diff.flowMods.map(\.commandValue)
        #expect(commands == Array(repeating: .add, count: scenario.adds.count)
            + Array(repeating: .modifyStrict, count: scenario.modifies.count)
            + Array(repeating: .deleteStrict, count: scenario.deletes.count), "adds, then modifies, then deletes")
    }

    @Test("applying the diff to the installed set gives the wanted set (ours) plus foreign flows", arguments: scenarios)
    func applying(scenario: Scenario) {
        let wanted = FlowTable(scenario.wanted)
        let diff = FlowDiff(wanted: wanted, installed: scenario.installed, owner: Self.ours)
        var table: [FlowKey: FlowEntry] = [:]
        for flow in scenario.installed { table[flow.key] = flow }
        for flow in diff.adds + diff.modifies { table[flow.key] = flow }
        for flow in diff.deletes { table[flow.key] = nil }
        for flow in scenario.wanted { #expect(table[flow.key] == flow) }
        for flow in table.values where wanted[flow.key] == nil { #expect(!Self.ours.contains(flow.cookie)) }
        // A second diff against the result is empty: reconciliation converges.
        #expect(FlowDiff(wanted: wanted, installed: Array(table.values), owner: Self.ours).isEmpty)
    }

    @Test("match field order does not make a flow differ")
    func matchOrder() {
        let a = FlowEntry(priority: 5, match: Match([OXMField(.inPort, 1), OXMField(.ethType, 0x0800)]), cookie: Self.cookie(1),
                          instructions: [])
        let b = FlowEntry(priority: 5, match: Match([OXMField(.ethType, 0x0800), OXMField(.inPort, 1)]), cookie: Self.cookie(1),
                          instructions: [])
        #expect(FlowDiff(wanted: FlowTable([a]), installed: [b], owner: Self.ours).isEmpty)
    }

    @Test("FLOW_MOD fields: delete-strict carries the owner's cookie mask so only our flow is hit (never all ones: OVS would scan every flow of that cookie)")
    func flowModFields() {
        let entry = Self.flow(10, table: 10)
        let delete = entry.flowMod(.deleteStrict)
        #expect(delete.cookie == entry.cookie && delete.cookieMask == CookieSpace.swiftplane.mask)
        #expect(entry.flowMod(.modifyStrict).cookieMask == CookieSpace.swiftplane.mask)
        #expect(delete.tableID == 10 && delete.priority == 10 && delete.instructions.isEmpty)
        let add = entry.flowMod(.add)
        #expect(add.cookieMask == 0 && add.instructions == entry.instructions)
    }

    @Test("cookie space membership", arguments: [
        (UInt64(0x5350_0000_0000_0001), true), (0x5350_ffff_ffff_ffff, true), (0, false), (0x5351_0000_0000_0001, false),
    ])
    func cookieSpace(cookie: UInt64, ours: Bool) {
        #expect(Self.ours.contains(cookie) == ours)
        #expect(Self.ours.isUsable)
        #expect(!CookieSpace(value: 0, mask: 0xffff).isUsable)
    }
}
