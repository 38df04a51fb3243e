import OVSDB
import NetAddress
import Testing

@Suite("OVSDB updates and replica")
struct ReplicaTests {
    static func message(_ text: String) throws -> JSONRPCMessage {
        try JSONRPCMessage(json: try JSONParser().parse(text))
    }

    static func initialUpdates() throws -> OVSDBTableUpdates {
        guard case .response(let result, _, _) = try message(Vectors.initialReply) else {
            Issue.record("initial reply is not a response")
            return OVSDBTableUpdates(changes: [])
        }
        return try OVSDBTableUpdates(json: result)
    }

    static func notification(_ text: String) throws -> OVSDBUpdateNotification? {
        try OVSDBUpdateNotification(try message(text))
    }

    static func uuid(_ text: String) -> OVSDBUUID? { OVSDBUUID(text) }

    @Test("the initial reply is one insert per row, in table then uuid order")
    func initialReply() throws {
        let changes = try Self.initialUpdates().changes
        #expect(changes.map(\.table) == ["Bridge", "Interface", "Interface", "Port", "Port"])
        #expect(changes.allSatisfy { $0.kind == .insert && $0.old == nil && $0.new != nil })
        #expect(changes[0].new?["ports"] == .set([.uuid(try #require(Self.uuid(Vectors.portBr0))), .uuid(try #require(Self.uuid(Vectors.portA)))]))
        #expect(changes[2].new?["ofport"] == .atom(.integer(7)))
    }

    @Test("update notifications give modify and delete with old and new as sent", arguments: [
        (Vectors.changeVNI, [OVSDBRowChange.Kind.modify]),
        (Vectors.deletePort, [.modify, .delete, .delete]),
    ])
    func notificationKinds(_ text: String, _ kinds: [OVSDBRowChange.Kind]) throws {
        let update = try #require(try Self.notification(text))
        #expect(update.monitorID == "swiftplane")
        #expect(update.updates.changes.map(\.kind) == kinds)
    }

    static let datums: [(String, OVSDBDatum?)] = [
        (#""a""#, .atom(.string("a"))),
        ("7", .atom(.integer(7))),
        ("1.5", .atom(.real(1.5))),
        ("true", .atom(.boolean(true))),
        (#"["uuid","6E0E9E8A-1C7E-4A8F-9D1E-000000000001"]"#, .atom(.uuid(OVSDBUUID(Vectors.bridge)!))),
        (#"["named-uuid","row1"]"#, .atom(.namedUUID("row1"))),
        (#"["set",[]]"#, .set([])),
        (#"["set",[1,2]]"#, .set([.integer(1), .integer(2)])),
        (#"["map",[["k","v"],[1,["uuid","6e0e9e8a-1c7e-4a8f-9d1e-000000000001"]]]]"#,
         .map([.init(key: .string("k"), value: .string("v")), .init(key: .integer(1), value: .uuid(OVSDBUUID(Vectors.bridge)!))])),
        (#"["uuid","not-a-uuid"]"#, nil),
        (#"["set",{}]"#, nil),
        (#"["map",[["k"]]]"#, nil),
        (#"["map",[["k",["set",[]]]]]"#, nil),
        (#"["set",[["set",[]]]]"#, nil),
        ("null", nil),
        ("{}", nil),
        (#"["x",1]"#, nil),
    ]

    @Test("atoms, sets and maps decode per RFC 7047 5.1; anything else is an error", arguments: datums)
    func datum(_ text: String, _ expected: OVSDBDatum?) throws {
        let json = try JSONParser().parse(text)
        let result = Result { () throws(OVSDBError) in try OVSDBDatum(json: json, path: "T/c") }
        switch (result, expected) {
        case (.success(let d), let e?): #expect(d == e); #expect(try OVSDBDatum(json: d.json, path: "") == d)
        case (.failure(let error), nil): #expect(error.path == "T/c")
        default: Issue.record("\(text): got \(result), expected \(String(describing: expected))")
        }
    }

    static let badUpdates: [(String, String)] = [
        ("[]", "table-updates"),
        (#"{"Port":[]}"#, "Port"),
        (#"{"Port":{"nope":{"new":{}}}}"#, "Port"),
        (#"{"Port":{"\#(Vectors.portA)":{}}}"#, "Port/\(Vectors.portA)"),
        (#"{"Port":{"\#(Vectors.portA)":{"new":[]}}}"#, "Port/\(Vectors.portA)/new"),
        (#"{"Port":{"\#(Vectors.portA)":{"new":{"tag":{}}}}}"#, "Port/\(Vectors.portA)/new/tag"),
    ]

    @Test("malformed table-updates name where", arguments: badUpdates)
    func badTableUpdates(_ text: String, _ path: String) throws {
        let json = try JSONParser().parse(text)
        let result = Result { () throws(OVSDBError) in try OVSDBTableUpdates(json: json) }
        guard case .failure(let error) = result else { Issue.record("accepted \(text)"); return }
        #expect(error.path == path)
    }

    @Test("the replica follows insert, modify and delete")
    func replicaFollowsUpdates() throws {
        var replica = OVSDBReplica()
        try replica.apply(try Self.initialUpdates())
        let ports = replica.ports(onBridge: "br0")
        #expect(ports.map(\.name) == ["a", "br0"])
        #expect(ports.map(\.ofport) == [7, 65534])
        #expect(ports[0].externalIDs["vni"] == "10")
        #expect(replica.ports(onBridge: "br1").isEmpty)

        let expectedA = AttachedPort(
            bridge: "br0", name: "a", ofport: 7, vni: 10, mac: EthernetAddress(0x02, 0x42, 0xc0, 0xa8, 0x00, 0x02),
            ips: [.v4(IPv4Address(192, 168, 0, 2)), .v6(IPv6Address(high: 0xfd00_0000_0000_0000, low: 2))])
        #expect(replica.attachedPorts.ports == [expectedA])
        #expect(replica.attachedPorts.errors.isEmpty)

        try replica.apply(try #require(try Self.notification(Vectors.changeVNI)).updates)
        var moved = expectedA
        moved.vni = 20
        #expect(replica.attachedPorts.ports == [moved])

        try replica.apply(try #require(try Self.notification(Vectors.deletePort)).updates)
        #expect(replica.ports(onBridge: "br0").map(\.name) == ["br0"])
        #expect(replica.attachedPorts.ports.isEmpty)
        #expect(replica.ports.count == 1 && replica.interfaces.count == 1)
    }

    @Test("a failing update leaves the replica as it was")
    func atomicApply() throws {
        var replica = OVSDBReplica()
        try replica.apply(try Self.initialUpdates())
        let before = replica
        let bad = try OVSDBTableUpdates(json: try JSONParser().parse(
            #"{"Bridge":{"\#(Vectors.bridge)":{"old":{},"new":{"name":"br0","ports":"x"}}},"Port":{"\#(Vectors.portA)":{"old":{}}}}"#))
        #expect(throws: OVSDBError.self) { try replica.apply(bad) }
        #expect(replica == before)
    }

    @Test("a column in old but not in new went back to its default")
    func modifyToDefault() throws {
        var replica = OVSDBReplica()
        try replica.apply(try Self.initialUpdates())
        let update = try OVSDBTableUpdates(json: try JSONParser().parse(
            #"{"Port":{"\#(Vectors.portA)":{"old":{"external_ids":["map",[["vni","10"]]]},"new":{"name":"a"}}}}"#))
        try replica.apply(update)
        let port = try #require(replica.ports(onBridge: "br0").first)
        #expect(port.externalIDs.isEmpty && port.name == "a")
    }

    struct Derivation: Sendable, CustomTestStringConvertible {
        var externalIDs: [String: String]
        /// The Interface row's external_ids (libvirt writes there).
        var interfaceIDs: [String: String] = [:]
        var tag: Int64?
        var ofport: Int64?
        /// vni, or nil when the port is not attached.
        var vni: UInt32?
        var ips: Int = 0
        var error: String? = nil
        var mac: String? = nil
        var ifaceID: String? = nil
        var testDescription: String { "\(externalIDs) interface=\(interfaceIDs) tag=\(tag.map(String.init) ?? "-") ofport=\(ofport.map(String.init) ?? "-")" }
    }

    static let derivations: [Derivation] = [
        Derivation(externalIDs: [:], tag: nil, ofport: 3, vni: nil),
        Derivation(externalIDs: ["vni": "10"], tag: nil, ofport: 3, vni: 10),
        Derivation(externalIDs: ["vni": "16777215"], tag: 5, ofport: 3, vni: 16777215),
        Derivation(externalIDs: [:], tag: 100, ofport: 3, vni: 100),
        Derivation(externalIDs: ["vni": "0"], tag: nil, ofport: nil, vni: 0),
        Derivation(externalIDs: ["vni": "10", "ip": "10.0.0.1,10.0.0.2,fd00::1"], tag: nil, ofport: 3, vni: 10, ips: 3),
        Derivation(externalIDs: ["vni": "16777216"], tag: nil, ofport: 3, vni: nil, error: "external_ids:vni"),
        Derivation(externalIDs: ["vni": "-1"], tag: nil, ofport: 3, vni: nil, error: "external_ids:vni"),
        Derivation(externalIDs: ["vni": "ten"], tag: nil, ofport: 3, vni: nil, error: "external_ids:vni"),
        Derivation(externalIDs: ["vni": ""], tag: nil, ofport: 3, vni: nil, error: "external_ids:vni"),
        Derivation(externalIDs: [:], tag: 4096, ofport: 3, vni: nil, error: "tag"),
        Derivation(externalIDs: ["vni": "1", "attached-mac": "02:42:c0:a8:00"], tag: nil, ofport: 3, vni: nil, error: "external_ids:attached-mac"),
        Derivation(externalIDs: ["vni": "1", "ip": "10.0.0.256"], tag: nil, ofport: 3, vni: nil, error: "external_ids:ip"),
        Derivation(externalIDs: ["vni": "1", "ip": "10.0.0.1,"], tag: nil, ofport: 3, vni: nil, error: "external_ids:ip"),
        // libvirt: attached-mac and iface-id on the Interface row, the tenant from the Port's tag.
        Derivation(externalIDs: [:], interfaceIDs: ["attached-mac": "52:54:00:12:34:56", "iface-id": "vm1-nic0", "iface-status": "active"],
                   tag: 10, ofport: 4, vni: 10, mac: "52:54:00:12:34:56", ifaceID: "vm1-nic0"),
        Derivation(externalIDs: [:], interfaceIDs: ["vni": "20", "ip": "10.0.0.9"], tag: nil, ofport: 4, vni: 20, ips: 1),
        // Both rows set: the Port's value wins, key by key.
        Derivation(externalIDs: ["vni": "30", "attached-mac": "02:00:00:00:00:01"],
                   interfaceIDs: ["vni": "31", "attached-mac": "52:54:00:00:00:02", "iface-id": "x"],
                   tag: nil, ofport: 4, vni: 30, mac: "02:00:00:00:00:01", ifaceID: "x"),
        Derivation(externalIDs: ["vni": "30", "attached-mac": "02:00:00:00:00:01"], interfaceIDs: ["attached-mac": "bad"],
                   tag: nil, ofport: 4, vni: 30, mac: "02:00:00:00:00:01"),
        Derivation(externalIDs: [:], interfaceIDs: ["attached-mac": "bad"], tag: 5, ofport: 4, vni: nil,
                   error: "Interface external_ids:attached-mac"),
        Derivation(externalIDs: [:], interfaceIDs: ["vni": "x"], tag: nil, ofport: 4, vni: nil, error: "Interface external_ids:vni"),
    ]

    @Test("vni from external_ids, else tag; bad values are errors naming field and value", arguments: derivations)
    func derive(_ d: Derivation) throws {
        var ids = d.externalIDs.map { #"["\#($0.key)","\#($0.value)"]"# }.joined(separator: ",")
        ids = #"["map",[\#(ids)]]"#
        let tag = d.tag.map(String.init) ?? #"["set",[]]"#
        let ofport = d.ofport.map(String.init) ?? #"["set",[]]"#
        let port = try PortRow(uuid: try #require(Self.uuid(Vectors.portA)), row: OVSDBRow(uniqueKeysWithValues: [
            ("name", try OVSDBDatum(json: "p", path: "")),
            ("external_ids", try OVSDBDatum(json: try JSONParser().parse(ids), path: "")),
            ("tag", try OVSDBDatum(json: try JSONParser().parse(tag), path: "")),
        ]))
        var interfaceIDs = d.interfaceIDs.map { #"["\#($0.key)","\#($0.value)"]"# }.joined(separator: ",")
        interfaceIDs = #"["map",[\#(interfaceIDs)]]"#
        let interface = try InterfaceRow(uuid: try #require(Self.uuid(Vectors.ifaceA)), row: [
            "name": .atom(.string("p")), "ofport": try OVSDBDatum(json: try JSONParser().parse(ofport), path: ""),
            "external_ids": try OVSDBDatum(json: try JSONParser().parse(interfaceIDs), path: ""),
        ])
        let result = Result { () throws(AttachedPortError) in try AttachedPort.derive(bridge: "br0", port: port, interface: interface) }
        switch result {
        case .success(let attached):
            #expect(d.error == nil)
            #expect(attached?.vni == d.vni)
            #expect(attached.map { $0.ofport.map(Int64.init) } ?? nil == (attached == nil ? nil : d.ofport))
            #expect((attached?.ips.count ?? 0) == d.ips)
            #expect(attached?.mac == d.mac.flatMap { EthernetAddress($0) })
            #expect(attached?.ifaceID == d.ifaceID)
        case .failure(let error):
            #expect(error.field == d.error)
            #expect(error.port == "p")
            #expect(d.externalIDs.values.contains(error.value) || d.interfaceIDs.values.contains(error.value)
                || error.value == d.tag.map(String.init))
        }
    }
}
