import OpenFlow
import OpenFlowController
import Testing
import TestSupport

@Suite("NumberedDiff: groups and meters, wanted vs installed, as tables")
struct NumberedDiffTests {
    static let groups = IDSpace.swiftplaneGroups
    static let meters = IDSpace.swiftplaneMeters

    /// A group of ours (low id `n`) flooding to `ports`.
    static func group(_ n: UInt32, _ ports: [UInt32], id: UInt32? = nil) -> GroupEntry {
        GroupEntry(id: id ?? groups.id(n), .all, buckets: ports.map { Bucket(actions: [.output($0)]) })
    }

    typealias Scenario = DiffScenario<GroupEntry, UInt32>

    static let scenarios: [Scenario] = [
        Scenario(name: "empty switch: added", wanted: [group(1, [1, 2]), group(2, [3])], installed: [],
                 adds: [groups.id(1), groups.id(2)], modifies: [], deletes: []),
        Scenario(name: "already right: nothing", wanted: [group(1, [1, 2])], installed: [group(1, [1, 2])],
                 adds: [], modifies: [], deletes: []),
        Scenario(name: "a bucket more: modified in place", wanted: [group(1, [1, 2, 3])], installed: [group(1, [1, 2])],
                 adds: [], modifies: [groups.id(1)], deletes: []),
        Scenario(name: "other type: modified", wanted: [GroupEntry(id: groups.id(1), .indirect, buckets: [])],
                 installed: [GroupEntry(id: groups.id(1), .all, buckets: [])],
                 adds: [], modifies: [groups.id(1)], deletes: []),
        Scenario(name: "our stale group: deleted", wanted: [group(1, [1])], installed: [group(1, [1]), group(7, [2])],
                 adds: [], modifies: [], deletes: [groups.id(7)]),
        Scenario(name: "an operator's group 1 is left alone", wanted: [], installed: [group(0, [1], id: 1)],
                 adds: [], modifies: [], deletes: []),
        Scenario(name: "wanted set emptied: all ours go, in id order", wanted: [],
                 installed: [group(9, [1]), group(0, [1], id: 5), group(3, [1])],
                 adds: [], modifies: [], deletes: [groups.id(3), groups.id(9)]),
    ]

    @Test(arguments: scenarios)
    func diff(_ scenario: Scenario) {
        let diff = NumberedDiff(wanted: GroupTable(scenario.wanted), installed: scenario.installed, owner: Self.groups)
        #expect(diff.adds.map(\.id) == scenario.adds)
        #expect(diff.modifies.map(\.id) == scenario.modifies)
        #expect(diff.deletes.map(\.id) == scenario.deletes)
        #expect(diff.changes.count == scenario.adds.count + scenario.modifies.count + scenario.deletes.count)
        // The messages: installs are ADD then MODIFY; removals are DELETE with no buckets.
        let commands = diff.installs.compactMap { if case let .groupMod(mod) = $0 { mod.command } else { nil } }
        #expect(commands == Array(repeating: 0, count: scenario.adds.count) + Array(repeating: 1, count: scenario.modifies.count))
        for case let .groupMod(mod) in diff.removals { #expect(mod.command == 2 && mod.buckets.isEmpty) }
        #expect(diff.removals.count == scenario.deletes.count)
    }

    @Test("a meter with another rate is modified; a foreign meter stays; METER_MOD carries the bands")
    func meters() throws {
        let wanted = MeterEntry.dropping(id: Self.meters.id(1), packetsPerSecond: 100, burst: 100)
        var installed = wanted
        installed.bands = [MeterBand(.drop, rate: 50, burstSize: 50)]
        let foreign = MeterEntry.dropping(id: 1, packetsPerSecond: 10, burst: 10)
        let diff = NumberedDiff(wanted: MeterTable([wanted]), installed: [installed, foreign], owner: Self.meters)
        #expect(diff.adds.isEmpty && diff.deletes.isEmpty)
        #expect(diff.modifies == [wanted])
        guard case let .meterMod(mod)? = diff.installs.first else { Issue.record("no METER_MOD"); return }
        #expect(mod.command == 1 && mod.meterID == Self.meters.id(1) && mod.flags == 0b1110)
        #expect(mod.bands == [MeterBand(.drop, rate: 100, burstSize: 100)])
    }

    @Test("id spaces: ours are recognised, ids stay below OFPG_MAX and small for meters")
    func spaces() {
        #expect(Self.groups.contains(Self.groups.id(0x01ff_ffff)))
        #expect(Self.groups.id(0x01ff_ffff) < 0xffff_ff00)
        #expect(!Self.groups.contains(1) && !Self.groups.contains(0x5400_0000))
        #expect(Self.meters.contains(Self.meters.id(1)) && Self.meters.id(0xff) <= 0xffff)
        #expect(!Self.meters.contains(1))
    }
}
