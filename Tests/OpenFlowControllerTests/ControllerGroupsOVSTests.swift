import Foundation
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// Groups and meters reconciled like flows, against real Open vSwitch 3.1
/// (userspace datapath, private namespace): what dump-groups / dump-meters
/// show is exactly what was asked, changes send only the difference, and an
/// operator's own group and meter are never touched.
@Suite("Controller: groups and meters against real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "")))
struct ControllerGroupsOVSTests {
    static let ours = CookieSpace.swiftplane
    static let group = IDSpace.swiftplaneGroups.id(10)
    static let meter = IDSpace.swiftplaneMeters.id(1)

    /// Flood from port 1 to ports 1 and 2 (the in_port bucket sends nothing).
    static func tables(buckets: [Bucket], rate: UInt32 = 100, withGroup: Bool = true) -> SwitchTables {
        var flows = [
            FlowEntry(tableID: 10, priority: 5, match: Match([OXMField(.ethType, 0x0806)]), cookie: ours.cookie(3),
                      instructions: [.meter(meter), .applyActions([.output(port: OpenFlowPort.controller, maxLength: 128)])]),
        ]
        if withGroup {
            flows.append(FlowEntry(priority: 100, match: Match([OXMField(.inPort, 1)]), cookie: ours.cookie(1),
                                   instructions: [.applyActions([.group(group)])]))
        }
        return SwitchTables(flows: FlowTable(flows),
                            groups: GroupTable(withGroup ? [GroupEntry(id: group, .all, buckets: buckets)] : []),
                            meters: MeterTable([.dropping(id: meter, packetsPerSecond: rate, burst: rate)]))
    }

    static let twoPorts = [Bucket(actions: [.output(1)]), Bucket(actions: [.output(2)])]
    static let withTunnel = twoPorts + [Bucket(actions: [.setField(OXMField(.tunnelID, 10)),
                                                         .setField(.tunnelIPv4Destination(0x0a09_0903)), .output(2)])]

    func lines(_ text: String, skipping header: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix(header) }.sorted()
    }

    /// dump-meters prints a meter over two lines (its bands on the second): one string.
    func meterText(_ sandbox: OVSSandbox) throws -> String {
        try sandbox.ofctl("dump-meters", "br0").split(separator: "\n").filter { !$0.hasPrefix("OFPST_METER_CONFIG") }
            .flatMap { $0.split(separator: " ") }.joined(separator: " ")
    }

    @Test("groups and meters: installed before the flows that use them, changed in place, removed after, foreign ones kept")
    func reconcile() async throws {
        try await ControllerOVSTests.withSetup { sandbox, controller, dpid in
            // An operator's group 1 and meter 1: not in our id spaces, never touched.
            try sandbox.ofctl("add-group", "br0", "group_id=1,type=all,bucket=output:2")
            try sandbox.ofctl("add-meter", "br0", "meter=1,pktps,band=type=drop,rate=10")

            // Flows pointing at a group or meter that is not there yet are
            // refused by OVS: this batch passing proves the order.
            let first = try await controller.setTables(Self.tables(buckets: Self.twoPorts), on: dpid)
            #expect([first.added, first.modified, first.deleted] as [Int] == [2, 0, 0])
            #expect(first.groups == EntryChanges(added: 1) && first.meters == EntryChanges(added: 1))
            print("ControllerGroupsOVSTests: meter + group + 2 flows installed in 3 barrier-confirmed steps in \(first.duration)")
            let groups = lines(try sandbox.ofctl("dump-groups", "br0"), skipping: "OFPST_GROUP_DESC")
            #expect(groups == Self.groupDump(Self.twoPortsText), "dump-groups: \(groups)")
            let meters = try meterText(sandbox)
            #expect(meters == Self.meterDump(rate: 100), "dump-meters: \(meters)")
            let flows = try sandbox.flowsWithoutStats()
            #expect(flows == Self.flowDump(withGroup: true), "dump-flows: \(flows)")

            // The same again: OVS's group-desc and meter-config read back equal: nothing is sent.
            let same = try await controller.setTables(Self.tables(buckets: Self.twoPorts), on: dpid)
            #expect(same.flowModsSent == 0 && same.groups.count == 0 && same.meters.count == 0)

            // A remote VTEP joins, the rate changes: one GROUP_MOD and one METER_MOD, both MODIFY.
            let changed = try await controller.setTables(Self.tables(buckets: Self.withTunnel, rate: 50), on: dpid)
            #expect(changed.flowModsSent == 0)
            print("ControllerGroupsOVSTests: one GROUP_MOD + one METER_MOD (modify) in \(changed.duration)")
            #expect(changed.groups == EntryChanges(modified: 1) && changed.meters == EntryChanges(modified: 1))
            let changedGroups = lines(try sandbox.ofctl("dump-groups", "br0"), skipping: "OFPST_GROUP_DESC")
            #expect(changedGroups == Self.groupDump(Self.withTunnelText), "dump-groups: \(changedGroups)")
            #expect(try meterText(sandbox) == Self.meterDump(rate: 50))

            // The group is no longer wanted: its flow goes, then the group; ours only.
            let removed = try await controller.setTables(Self.tables(buckets: [], rate: 50, withGroup: false), on: dpid)
            #expect([removed.added, removed.modified, removed.deleted] as [Int] == [0, 0, 1])
            #expect(removed.groups == EntryChanges(deleted: 1) && removed.meters == EntryChanges())
            #expect(lines(try sandbox.ofctl("dump-groups", "br0"), skipping: "OFPST_GROUP_DESC") == Self.groupDump(nil))
            #expect(try sandbox.flowsWithoutStats() == Self.flowDump(withGroup: false))
        }
    }

    @Test("controller restart: groups and meters are read back on connect and nothing is re-sent")
    func restart() async throws {
        try await ControllerOVSTests.withSetup { sandbox, controller, dpid in
            let wanted = Self.tables(buckets: Self.withTunnel)
            try await controller.setTables(wanted, on: dpid)
            let disconnects = sandbox.controllerDisconnects()
            await controller.stop()
            #expect(await eventually(5, every: .milliseconds(50)) { sandbox.controllerDisconnects() > disconnects },
                    "ovs-vswitchd never noticed its controller go:\n\(sandbox.vswitchdLog().suffix(2000))")
            let second = OpenFlowController()
            _ = try? await second.setTables(wanted, on: dpid)
            try await second.start(boundSocket: try NetworkNamespace.listeningSocket(netns: sandbox.name, port: 6653))
            let report = await nextEvent(second.events, seconds: 10) { if case let .flowsSynced(report) = $0 { report } else { nil } }
            await second.stop()
            #expect(report?.flowModsSent == 0 && report?.unchanged == 2)
            #expect(report?.groups == EntryChanges() && report?.meters == EntryChanges())
            #expect(lines(try sandbox.ofctl("dump-groups", "br0"), skipping: "OFPST_GROUP_DESC") == [Self.withTunnelText])
        }
    }

    // What OVS prints, written by hand. Our group is 0x5200000a = 1375731722, our meter 0x5301 = 21249.
    static let twoPortsText = "group_id=1375731722,type=all,bucket=actions=output:1,bucket=actions=output:2"
    static let withTunnelText = "group_id=1375731722,type=all,bucket=actions=output:1,bucket=actions=output:2,"
        + "bucket=actions=set_field:0xa->tun_id,set_field:10.9.9.3->tun_dst,output:2"

    static func groupDump(_ ours: String?) -> [String] {
        (["group_id=1,type=all,bucket=actions=output:2"] + (ours.map { [$0] } ?? [])).sorted()
    }

    static func meterDump(rate: Int) -> String {
        "meter=1 pktps bands= type=drop rate=10 meter=21249 pktps burst stats bands= type=drop rate=\(rate) burst_size=\(rate)"
    }

    static func flowDump(withGroup: Bool) -> [String] {
        (["cookie=0x5350000000000003, table=10, priority=5,arp actions=meter:21249,CONTROLLER:128"]
            + (withGroup ? ["cookie=0x5350000000000001, priority=100,in_port=1 actions=group:1375731722"] : [])).sorted()
    }
}
