import BGP
import NIOCore
import Testing
@testable import swiftplane_bench

/// The scale drill's parts that hold no I/O: its routes, read back with the
/// project's own BGP decoder, and its reading of OVS's output, from lines
/// Open vSwitch 3.1 printed (`ovs-ofctl -O OpenFlow13 monitor br0 watch:`
/// and `dump-flows`) for the flows the agent installs (endpoint 1: MAC
/// 02:5c:00:00:00:01, IPv4 10.128.0.2).
@Suite struct ScaleDrillTests {
    static let forwardAdded = " event=ADDED table=30 cookie=0x1234 metadata=0xa,dl_dst=02:5c:00:00:00:01 actions=set_field:0xa->tun_id,set_field:10.9.9.61->tun_dst,output:100"
    static let forwardModified = " event=MODIFIED table=30 cookie=0x1234 metadata=0xa,dl_dst=02:5c:00:00:00:01 actions=set_field:0xa->tun_id,set_field:10.9.9.62->tun_dst,output:100"
    static let forwardDeleted = " event=DELETED reason=delete table=30 cookie=0x1234 metadata=0xa,dl_dst=02:5c:00:00:00:01 actions=set_field:0xa->tun_id,set_field:10.9.9.63->tun_dst,output:100"
    static let responderActions = "actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:5c:00:00:00:01->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:5c:00:00:00:01->arp_sha,set_field:10.128.0.2->arp_spa,IN_PORT"
    static let responderAdded = " event=ADDED table=20 cookie=0 arp,metadata=0xa,arp_tpa=10.128.0.2,arp_op=1 " + responderActions
    static let responderDeleted = " event=DELETED reason=delete table=20 cookie=0 arp,metadata=0xa,arp_tpa=10.128.0.2,arp_op=1 " + responderActions
    static let responderDumped = " cookie=0x0, duration=1.364s, table=20, n_packets=0, n_bytes=0, priority=100,arp,metadata=0xa,arp_tpa=10.128.0.2,arp_op=1 " + responderActions

    @Test(arguments: [
        (forwardAdded, FlowLine(event: .added, table: 30, ethDestination: 0x025c_0000_0001, tunnelDestination: 0x0a09_093d)),
        (forwardModified, FlowLine(event: .modified, table: 30, ethDestination: 0x025c_0000_0001, tunnelDestination: 0x0a09_093e)),
        (forwardDeleted, FlowLine(event: .deleted, table: 30, ethDestination: 0x025c_0000_0001, tunnelDestination: 0x0a09_093f)),
        (responderAdded, FlowLine(event: .added, table: 20, arpTargetAddress: 0x0a80_0002, ethSourceSet: 0x025c_0000_0001)),
        (responderDumped, FlowLine(event: nil, table: 20, arpTargetAddress: 0x0a80_0002, ethSourceSet: 0x025c_0000_0001)),
        (" cookie=0x0, duration=2s, table=30, n_packets=0, n_bytes=0, priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:03 actions=output:1",
         FlowLine(event: nil, table: 30, ethDestination: 0x0242_c0a8_0003)),
    ] as [(String, FlowLine)])
    func readsFlowLines(line: String, expected: FlowLine) {
        #expect(FlowLine.parse(Substring(line)) == expected)
    }

    @Test(arguments: ["ONFST_FLOW_MONITOR reply (OF1.3) (xid=0x0):", "OFPST_FLOW reply (OF1.3) (xid=0x2):", "",
                      " event=SOMETHING table=30 dl_dst=02:5c:00:00:00:01"])
    func linesWithoutAFlow(line: String) {
        #expect(FlowLine.parse(Substring(line)) == nil)
    }

    /// A move (ADDED over the old flow, or MODIFIED) and a removal, as the events come.
    @Test func eventsKeepTheHostsView() throws {
        let vtep61 = try #require(IPv4Address("10.9.9.61")), vtep62 = try #require(IPv4Address("10.9.9.62"))
        var flows = InjectedFlows()
        #expect(flows.difference(from: [1: vtep61]) == .init(wanted: 1, missingForward: 1, missingResponders: 1))
        for (time, line) in [(10, Self.forwardAdded), (20, Self.responderAdded)] {
            flows.apply(try #require(FlowLine.parse(Substring(line))), at: UInt64(time))
        }
        #expect(flows.holds(1, at: vtep61) && !flows.holds(1, at: vtep62) && !flows.holds(1, at: nil))
        #expect(flows.difference(from: [1: vtep61]).isExact)
        #expect(flows.changedAt[1] == 20 && flows.lastChange == 20)
        #expect(flows.difference(from: [:]) == .init(wanted: 0, extraForward: 1, extraResponders: 1))
        #expect(flows.difference(from: [1: vtep61, 2: vtep61])
            == .init(wanted: 2, missingForward: 1, missingResponders: 1))

        flows.apply(try #require(FlowLine.parse(Substring(Self.forwardModified))), at: 30)
        #expect(flows.holds(1, at: vtep62))
        #expect(flows.difference(from: [1: vtep61]) == .init(wanted: 1, wrongForward: 1))

        for (time, line) in [(40, Self.forwardDeleted), (50, Self.responderDeleted)] {
            flows.apply(try #require(FlowLine.parse(Substring(line))), at: UInt64(time))
        }
        #expect(flows.holds(1, at: nil) && flows.difference(from: [:]).isExact)
        #expect(flows.changedAt[1] == 50 && flows.events == 5)
    }

    /// Another tenant's or container's flows are not the drill's.
    @Test func foreignFlowsAreIgnored() throws {
        var flows = InjectedFlows()
        let other = " event=ADDED table=30 cookie=0x1 metadata=0xa,dl_dst=02:42:c0:a8:00:03 actions=output:1"
        flows.apply(try #require(FlowLine.parse(Substring(other))), at: 1)
        #expect(flows.events == 0 && flows.difference(from: [:]).isExact)
    }

    /// `ovs-ofctl -O OpenFlow13 dump-aggregate` as Open vSwitch 3.1 prints it.
    @Test(arguments: [
        ("OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=0 byte_count=0 flow_count=200000\n", 200_000),
        ("OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=12 byte_count=840 flow_count=0", 0),
        ("OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=0 byte_count=0", nil),
        ("", nil),
    ] as [(String, Int?)])
    func readsFlowCounts(reply: String, expected: Int?) {
        #expect(FlowCount.parse(Substring(reply)) == expected)
    }

    /// `ovs-ofctl -O OpenFlow13 dump-tables` as Open vSwitch 3.1 prints it:
    /// a table's `active=N` under its `table N:` line, and a run of tables
    /// whose statistics equal the one before as `tables A...B: ditto`.
    static let tablesReply = """
        OFPST_TABLE reply (OF1.3) (xid=0x2):
          table 0:
            active=11, lookup=0, matched=0

          table 1:
            active=0, lookup=0, matched=0

          tables 2...19: ditto

          table 20:
            active=100004, lookup=7, matched=3

          table 21:
            active=0, lookup=0, matched=0

          tables 22...29: ditto

          table 30:
            active=100000, lookup=0, matched=0

          table 31:
            active=0, lookup=0, matched=0

          tables 32...253: ditto
        """

    @Test(arguments: [
        (tablesReply, [0: 11, 1: 0, 2: 0, 19: 0, 20: 100_004, 21: 0, 29: 0, 30: 100_000, 31: 0, 253: 0, 254: nil]),
        ("OFPST_TABLE reply (OF1.3) (xid=0x2):\n  table 30:\n    active=7, lookup=0, matched=0\n", [30: 7, 20: nil]),
        // A ditto with nothing before it, or a range backwards, says nothing.
        ("OFPST_TABLE reply (OF1.3) (xid=0x2):\n  tables 2...19: ditto\n  table 30:\n    active=7, lookup=0\n  tables 40...39: ditto\n",
         [2: nil, 30: 7, 39: nil, 40: nil]),
    ] as [(String, [Int: Int?])])
    func readsTableCounts(reply: String, expected: [Int: Int?]) throws {
        let counts = try #require(FlowCount.parseTables(Substring(reply)))
        for (table, count) in expected { #expect(counts[table] == count, "table \(table)") }
    }

    @Test(arguments: ["", "OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=0 byte_count=0 flow_count=3",
                      "  table 30:\n    active=, lookup=0\n", "  tables 2...19: ditto\n"])
    func readsNoTableCounts(reply: String) {
        #expect(FlowCount.parseTables(Substring(reply)) == nil)
    }

    @Test(arguments: [0, 1, 255, 65_536, 3_999_999])
    func endpointNumbering(index: Int) {
        #expect(ScaleDrillRoutes.index(mac: ScaleDrillRoutes.mac(index).rawValue) == index)
        #expect(ScaleDrillRoutes.index(ip: ScaleDrillRoutes.ip(index).rawValue) == index)
    }

    @Test func otherAddressesAreNoEndpoint() {
        #expect(ScaleDrillRoutes.index(mac: 0x0242_c0a8_0003) == nil)
        #expect(ScaleDrillRoutes.index(ip: 0xc0a8_0003) == nil)   // 192.168.0.3
        #expect(ScaleDrillRoutes.index(ip: 0x0a80_0000) == nil)   // 10.128.0.0, before the first
        #expect(ScaleDrillRoutes.index(ip: 0x0b00_0000) == nil)   // 11.0.0.0, past 10.128.0.0/9
    }

    /// Announced, moved and withdrawn, read back by the project's decoder:
    /// every NLRI once, with its MAC, IP, the injector's RD, its next hop and the tenant's route target.
    @Test func routesDecode() throws {
        let injector = try #require(IPv4Address("10.9.9.60"))
        let hops = try ["10.9.9.61", "10.9.9.62", "10.9.9.63"].map { try #require(IPv4Address($0)) }
        let routes = ScaleDrillRoutes(injector: injector, nextHops: hops)
        let count = 350
        let announced = try Self.decode(routes.announce((0..<count).map { ($0, routes.nextHop($0)) }))
        #expect(announced.count == 6)   // 117, 117, 116 per next hop: two UPDATEs of 100 at most each
        var seen: [Int: IPv4Address] = [:]
        for update in announced {
            let reach = try #require(update.attributes.mpReachNLRI)
            let hop = try #require(IPv4Address(bytes: reach.nextHop))
            #expect(update.attributes.routeTargets == [.twoOctetAS(asn: 65000, value: 10)])
            #expect(reach.nlri.count <= ScaleDrillRoutes.nlriPerUpdate)
            for nlri in reach.nlri {
                guard case let .evpn(.macIPAdvertisement(route)) = nlri.route else { Issue.record("not a type-2 route: \(nlri)"); continue }
                let index = try #require(ScaleDrillRoutes.index(mac: route.mac.rawValue))
                #expect(route.ip == .v4(ScaleDrillRoutes.ip(index)))
                #expect(route.rd == .ipv4(injector, 10))
                #expect(seen.updateValue(hop, forKey: index) == nil, "endpoint \(index) twice")
            }
        }
        #expect(seen == Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, routes.nextHop($0)) }))
        #expect(routes.nextHop(after: hops[2]) == hops[0])

        let moved = try Self.decode(routes.announce([(7, routes.nextHop(after: routes.nextHop(7)))]))
        #expect(moved.count == 1 && moved[0].attributes.mpReachNLRI?.nextHop == hops[2].bytes)
        #expect(moved[0].announced == [routes.nlri(7)])

        let withdrawn = try Self.decode(routes.withdraw(Array(0..<count)))
        #expect(withdrawn.flatMap(\.withdrawn) == (0..<count).map(routes.nlri))
        #expect(withdrawn.allSatisfy { $0.announced.isEmpty })
    }

    static func decode(_ buffers: [ByteBuffer]) throws -> [Update] {
        var decoder = MessageStreamDecoder()
        for b in buffers { decoder.append(b) }
        var out: [Update] = []
        while let message = try decoder.next() {
            guard case let .update(update) = try BGPMessage.decode(message, options: SessionOptions(fourOctetAS: true, internalPeer: true)) else {
                Issue.record("not an UPDATE")
                continue
            }
            out.append(update)
        }
        return out
    }
}
