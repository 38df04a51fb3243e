import CNI
import NetAddress
import OVSDB
import Testing
import TestSupport

/// The sans-I/O core, table by table: configurations, CNI_* variables, the
/// checks before ADD, the commands planned, DEL and CHECK from facts.
@Suite("CNI core")
struct CNICoreTests {
    static let good = #"{"cniVersion":"1.0.0","name":"t10","type":"swiftplane","bridge":"br0","vni":10,"mtu":1400,"ipam":{"type":"host-local","subnet":"192.168.10.0/24"}}"#

    /// A configuration with `key` replaced (nil: removed).
    static func config(_ key: String, _ value: String?) -> String {
        var members = [
            ("cniVersion", #""1.0.0""#), ("name", #""t10""#), ("type", #""swiftplane""#), ("bridge", #""br0""#),
            ("vni", "10"), ("mtu", "1400"), ("ipam", #"{"type":"host-local","subnet":"192.168.10.0/24"}"#),
        ]
        if let i = members.firstIndex(where: { $0.0 == key }) {
            if let value { members[i].1 = value } else { members.remove(at: i) }
        } else if let value { members.append((key, value)) }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    struct BadConfig: Sendable, CustomTestStringConvertible {
        var text: String
        var code: CNIError.Code
        /// What the message must contain: the field and the value.
        var mentions: [String]
        var testDescription: String { mentions.joined(separator: " ") }
    }

    static let badConfigs: [BadConfig] = [
        BadConfig(text: "{", code: .decodingFailure, mentions: ["not JSON"]),
        BadConfig(text: "[1]", code: .decodingFailure, mentions: ["not a JSON object"]),
        BadConfig(text: config("cniVersion", #""9.9.9""#), code: .incompatibleVersion, mentions: ["cniVersion=9.9.9"]),
        BadConfig(text: config("cniVersion", nil), code: .invalidNetworkConfiguration, mentions: ["cniVersion", "missing"]),
        BadConfig(text: config("name", nil), code: .invalidNetworkConfiguration, mentions: ["name", "missing"]),
        BadConfig(text: config("type", #""bridge""#), code: .invalidNetworkConfiguration, mentions: ["type=bridge"]),
        BadConfig(text: config("bridge", nil), code: .invalidNetworkConfiguration, mentions: ["bridge", "missing"]),
        BadConfig(text: config("bridge", #""a-very-long-bridge-name""#), code: .invalidNetworkConfiguration, mentions: ["bridge=a-very-long-bridge-name"]),
        BadConfig(text: config("bridge", "7"), code: .invalidNetworkConfiguration, mentions: ["bridge=7"]),
        BadConfig(text: config("vni", nil), code: .invalidNetworkConfiguration, mentions: ["vni", "missing"]),
        BadConfig(text: config("vni", "0"), code: .invalidNetworkConfiguration, mentions: ["vni=0"]),
        BadConfig(text: config("vni", "16777216"), code: .invalidNetworkConfiguration, mentions: ["vni=16777216"]),
        BadConfig(text: config("vni", #""10""#), code: .invalidNetworkConfiguration, mentions: [#"vni="10""#]),
        BadConfig(text: config("vni", "-3"), code: .invalidNetworkConfiguration, mentions: ["vni=-3"]),
        BadConfig(text: config("mtu", "100"), code: .invalidNetworkConfiguration, mentions: ["mtu=100"]),
        BadConfig(text: config("mtu", "1450.5"), code: .invalidNetworkConfiguration, mentions: ["mtu=1450.5"]),
        BadConfig(text: config("ipam", nil), code: .invalidNetworkConfiguration, mentions: ["ipam", "missing"]),
        BadConfig(text: config("ipam", #"{"subnet":"10.0.0.0/8"}"#), code: .invalidNetworkConfiguration, mentions: ["ipam.type="]),
        BadConfig(text: config("ipam", #"{"type":"../../bin/sh"}"#), code: .invalidNetworkConfiguration, mentions: [#"ipam.type="../../bin/sh""#]),
        BadConfig(text: config("mac", #""01:00:5e:00:00:01""#), code: .invalidNetworkConfiguration, mentions: ["mac=01:00:5e:00:00:01", "unicast"]),
        BadConfig(text: config("mac", #""zz""#), code: .invalidNetworkConfiguration, mentions: ["mac=zz"]),
        BadConfig(text: config("prevResult", #"{"ips":[{"address":"10.0.0.1"}]}"#), code: .decodingFailure,
                  mentions: ["prevResult.ips[0].address=10.0.0.1"]),
    ]

    @Test("a bad configuration is refused with its code, naming the field and the value", arguments: badConfigs)
    func badConfiguration(_ bad: BadConfig) {
        #expect {
            _ = try NetworkConfiguration.parse(bad.text)
        } throws: { error in
            guard let error = error as? CNIError else { return false }
            return error.code == bad.code && bad.mentions.allSatisfy { error.msg.contains($0) }
        }
    }

    @Test("the good configuration, with defaults")
    func goodConfiguration() throws {
        let c = try NetworkConfiguration.parse(Self.good)
        #expect(c.bridge == "br0" && c.vni == 10 && c.mtu == 1400 && c.ipamType == "host-local" && c.name == "t10")
        #expect(try NetworkConfiguration.parse(Self.config("mtu", nil)).mtu == 1450)
        let e = CNIError(.vniNotServed, "vni=99: x").json(cniVersion: "1.0.0")
        #expect(e["code"] == .integer(101) && e["msg"] == "vni=99: x" && e["cniVersion"] == "1.0.0")
    }

    static let env: [String: String] = [
        "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/c1", "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni",
    ]

    struct BadEnvironment: Sendable, CustomTestStringConvertible {
        var change: [String: String?]
        var mentions: String
        var testDescription: String { mentions }
    }

    static let badEnvironments: [BadEnvironment] = [
        BadEnvironment(change: ["CNI_COMMAND": nil], mentions: "CNI_COMMAND=: missing"),
        BadEnvironment(change: ["CNI_COMMAND": "GC"], mentions: "CNI_COMMAND=GC"),
        BadEnvironment(change: ["CNI_CONTAINERID": nil], mentions: "CNI_CONTAINERID=: missing"),
        BadEnvironment(change: ["CNI_CONTAINERID": "-x"], mentions: "CNI_CONTAINERID=-x"),
        BadEnvironment(change: ["CNI_CONTAINERID": "a b"], mentions: "CNI_CONTAINERID=a b"),
        BadEnvironment(change: ["CNI_NETNS": nil], mentions: "CNI_NETNS=: missing"),
        BadEnvironment(change: ["CNI_NETNS": nil, "CNI_COMMAND": "CHECK"], mentions: "CNI_NETNS=: missing"),
        BadEnvironment(change: ["CNI_IFNAME": nil], mentions: "CNI_IFNAME=: missing"),
        BadEnvironment(change: ["CNI_IFNAME": "eth0/../x"], mentions: "CNI_IFNAME=eth0/../x"),
        BadEnvironment(change: ["CNI_IFNAME": "a-name-too-long-0"], mentions: "CNI_IFNAME=a-name-too-long-0"),
        BadEnvironment(change: ["CNI_PATH": nil], mentions: "CNI_PATH=: missing"),
        BadEnvironment(change: ["CNI_ARGS": "IgnoreUnknown"], mentions: "CNI_ARGS=IgnoreUnknown"),
    ]

    @Test("a missing or malformed CNI_* variable is error 4 naming it", arguments: badEnvironments)
    func badEnvironment(_ bad: BadEnvironment) {
        var environment = Self.env
        for (k, v) in bad.change { environment[k] = v }
        #expect {
            _ = try Invocation.parse(environment: environment)
        } throws: { error in
            (error as? CNIError)?.code == .invalidEnvironment && (error as? CNIError)?.msg.contains(bad.mentions) == true
        }
    }

    @Test("DEL needs no namespace; VERSION needs nothing else; CNI_ARGS is read")
    func environments() throws {
        var del = Self.env
        del["CNI_COMMAND"] = "DEL"
        del["CNI_NETNS"] = nil
        let d = try Invocation.parse(environment: del)
        #expect(d.command == .del && d.netns == nil && d.pluginPath == ["/usr/lib/cni"])
        #expect(try Invocation.parse(environment: ["CNI_COMMAND": "VERSION"]).command == .version)
        var args = Self.env
        args["CNI_ARGS"] = "IgnoreUnknown=1;MAC=02:00:00:00:00:09;K8S_POD_NAME=x"
        #expect(try Invocation.parse(environment: args).arguments["MAC"] == "02:00:00:00:00:09")
    }

    static func plan(_ config: String = good, _ environment: [String: String] = env) throws -> AttachmentPlan {
        AttachmentPlan(configuration: try NetworkConfiguration.parse(config), invocation: try Invocation.parse(environment: environment))
    }

    static let ipam = CNIResult(ips: [.init(address: .v4(IPv4Address(192, 168, 10, 7)), prefixLength: 24, gateway: nil, interface: nil)],
                                routes: [.init(destination: "10.99.0.0/16", gateway: .v4(IPv4Address(192, 168, 10, 1)))])

    struct Preflight: NamedRow {
        var name: String
        var facts: HostFacts
        var config: String = CNICoreTests.good
        var arguments: String? = nil
        /// nil: ADD may go ahead.
        var code: CNIError.Code?
        var mentions: [String] = []
    }


    static let preflights: [Preflight] = [
        Preflight(name: "good", facts: HostFacts(bridgeExists: true, servedVNIs: [10, 11], servedBridges: ["br0"]), code: nil),
        Preflight(name: "no agent configuration: nothing to check against", facts: HostFacts(bridgeExists: true), code: nil),
        Preflight(name: "unknown bridge", facts: HostFacts(bridgeExists: false), code: .unknownBridge, mentions: ["bridge=br0"]),
        Preflight(name: "VNI not served", facts: HostFacts(bridgeExists: true, servedVNIs: [11, 12], servedBridges: ["br0"]),
                  code: .vniNotServed, mentions: ["vni=10", "11, 12"]),
        Preflight(name: "bridge not the agent's", facts: HostFacts(bridgeExists: true, servedVNIs: [10], servedBridges: ["br1"]),
                  code: .vniNotServed, mentions: ["bridge=br0"]),
        Preflight(name: "requested MAC taken in the VNI",
                  facts: HostFacts(bridgeExists: true, ports: [ExistingPort(name: "web1", externalIDs: ["vni": "10", "attached-mac": "02:00:00:00:00:09"])]),
                  arguments: "MAC=02:00:00:00:00:09", code: .duplicateMAC, mentions: ["mac=02:00:00:00:00:09", "web1", "vni 10"]),
        Preflight(name: "requested MAC used in another VNI: free",
                  facts: HostFacts(bridgeExists: true, ports: [ExistingPort(name: "web1", externalIDs: ["vni": "11", "attached-mac": "02:00:00:00:00:09"])]),
                  arguments: "MAC=02:00:00:00:00:09", code: nil),
        Preflight(name: "requested MAC malformed", facts: HostFacts(bridgeExists: true), arguments: "MAC=02:00",
                  code: .invalidNetworkConfiguration, mentions: ["CNI_ARGS MAC=02:00"]),
        Preflight(name: "repeated ADD: the host link is there", facts: HostFacts(bridgeExists: true, hostLinkExists: true),
                  code: .alreadyAttached, mentions: ["CNI_CONTAINERID=c1"]),
    ]

    @Test("the checks before ADD touches anything", arguments: preflights)
    func preflight(_ p: Preflight) throws {
        var environment = Self.env
        environment["CNI_ARGS"] = p.arguments
        let plan = try Self.plan(p.config, environment)
        let outcome = Result { () throws(CNIError) in try plan.checkAdd(p.facts) }
        switch outcome {
        case .success: #expect(p.code == nil)
        case .failure(let error):
            #expect(error.code == p.code, "\(error)")
            for m in p.mentions { #expect(error.msg.contains(m), "\(error.msg)") }
        }
    }

    @Test("names come from the container id and interface: stable, distinct, at most 15 characters")
    func names() throws {
        let a = try Self.plan()
        #expect(a.portName == (try Self.plan()).portName)
        #expect(a.portName.count == 14 && a.peerName.count == 14 && a.portName.hasPrefix("sp") && a.peerName.hasPrefix("st"))
        var other = Self.env
        other["CNI_IFNAME"] = "eth1"
        #expect(try Self.plan(Self.good, other).portName != a.portName)
        // The same port name in OVSDB means this interface is attached already.
        let taken = HostFacts(bridgeExists: true, ports: [ExistingPort(name: a.portName, externalIDs: [:])])
        #expect(throws: CNIError.self) { try a.checkAdd(taken) }
    }

    @Test("ADD's commands: veth, into the namespace, MAC, address, MTU, routes, the port with its external_ids")
    func addSteps() throws {
        let plan = try Self.plan()
        let mac = try plan.mac(Self.ipam)
        #expect(mac == EthernetAddress("0a:58:c0:a8:0a:07"))
        let steps = try plan.addSteps(Self.ipam, mac: mac).map(\.description)
        let p = plan.portName, s = plan.peerName
        #expect(steps.first == "ip link add \(p) mtu 1400 type veth peer name \(s) mtu 1400")
        #expect(steps.contains("ip link set dev \(s) netns /run/netns/c1"))
        #expect(steps.contains("nsenter --net=/run/netns/c1 ip link set dev \(s) name eth0"))
        #expect(steps.contains("nsenter --net=/run/netns/c1 ip link set dev eth0 address 0a:58:c0:a8:0a:07"))
        #expect(steps.contains("nsenter --net=/run/netns/c1 ip addr add 192.168.10.7/24 dev eth0"))
        #expect(steps.contains("nsenter --net=/run/netns/c1 ip route add 10.99.0.0/16 via 192.168.10.1 dev eth0"))
        #expect(steps.last?.hasPrefix("ovs-vsctl --timeout=10 -- add-port br0 \(p) -- set Interface \(p) external_ids:vni=10") == true)
        #expect(steps.last?.contains(#"external_ids:attached-mac="0a:58:c0:a8:0a:07""#) == true)
        #expect(steps.last?.contains(#"external_ids:ip="192.168.10.7""#) == true)
        // The container's end is renamed before it is configured, the port added last.
        #expect(steps.firstIndex { $0.hasSuffix("name eth0") }! < steps.firstIndex { $0.contains("address 0a:58") }!)
        // No address from IPAM: nothing is made.
        #expect(throws: CNIError.self) { try plan.addSteps(CNIResult(), mac: mac) }
        // A requested MAC wins; --db when the configuration names the database.
        var environment = Self.env
        environment["CNI_ARGS"] = "MAC=02:00:00:00:00:42"
        let named = try Self.plan(Self.config("ovsdb", #""unix:/x/db.sock""#), environment)
        #expect(try named.mac(Self.ipam) == EthernetAddress("02:00:00:00:00:42"))
        #expect(try named.addSteps(Self.ipam, mac: EthernetAddress(0x02, 0, 0, 0, 0, 0x42)).last?.arguments.contains("--db=unix:/x/db.sock") == true)
        #expect(plan.undoSteps.map(\.description) == ["ovs-vsctl --timeout=10 --if-exists del-port \(p)", "ip link del dev \(p)"])
        // The result: host end, container end with the MAC and namespace, the address on interface 1.
        let result = plan.result(Self.ipam, mac: mac, hostMAC: nil).json(cniVersion: "1.0.0")
        let reread = try CNIResult(json: result, field: "result")
        #expect(reread.interfaces.map(\.name) == [p, "eth0"] && reread.interfaces[1].sandbox == "/run/netns/c1")
        #expect(reread.ips.first?.interface == 1 && reread.ips.first?.cidr == "192.168.10.7/24" && reread.routes == Self.ipam.routes)
        #expect(result["ips"]?.arrayValue?.first?["version"] == nil)
        // A 0.4.0 result names the address family, as that version requires.
        let old = plan.result(Self.ipam, mac: mac, hostMAC: nil).json(cniVersion: "0.4.0")
        #expect(old["ips"]?.arrayValue?.first?["version"] == "4" && old["cniVersion"] == "0.4.0")
    }

    @Test("DEL removes what exists and nothing else: twice is the same as once")
    func delSteps() throws {
        let plan = try Self.plan()
        let p = plan.portName
        #expect(plan.delSteps(HostFacts(bridgeExists: true)).isEmpty)
        #expect(plan.delSteps(HostFacts(bridgeExists: false)).isEmpty)
        #expect(plan.delSteps(HostFacts(bridgeExists: true, ports: [ExistingPort(name: p, externalIDs: [:])], hostLinkExists: true)).map(\.description)
            == ["ovs-vsctl --timeout=10 --if-exists del-port \(p)", "ip link del dev \(p)"])
        #expect(plan.delSteps(HostFacts(bridgeExists: true, ports: [ExistingPort(name: "other", externalIDs: [:])], hostLinkExists: true)).count == 1)
    }

    @Test("CHECK compares OVSDB and the links with prevResult")
    func check() throws {
        let base = try Self.plan()
        let mac = try base.mac(Self.ipam)
        let prev = base.result(Self.ipam, mac: mac, hostMAC: nil).json(cniVersion: "1.0.0").jsonText
        let plan = try Self.plan(Self.config("prevResult", prev))
        let port = ExistingPort(name: plan.portName, externalIDs: ["vni": "10", "attached-mac": mac.description])
        let link = LinkState(name: "eth0", mac: mac, mtu: 1400)
        let healthy = HostFacts(bridgeExists: true, ports: [port], hostLinkExists: true, containerLink: link)
        try plan.check(healthy)
        var noPort = healthy
        noPort.ports = []
        var moved = healthy
        moved.ports = [ExistingPort(name: plan.portName, externalIDs: ["vni": "11", "attached-mac": mac.description])]
        var noLink = healthy
        noLink.hostLinkExists = false
        var inside = healthy
        inside.containerLink = nil
        var otherMTU = healthy
        otherMTU.containerLink = LinkState(name: "eth0", mac: mac, mtu: 1500)
        for (facts, mention) in [(noPort, "not in OVSDB"), (moved, "external_ids:vni=11"), (noLink, "missing on the host"),
                                 (inside, "CNI_IFNAME=eth0: missing"), (otherMTU, "mtu 1500")] {
            #expect {
                try plan.check(facts)
            } throws: { ($0 as? CNIError)?.code == .attachmentChanged && ($0 as? CNIError)?.msg.contains(mention) == true }
        }
        #expect { try base.check(healthy) } throws: { ($0 as? CNIError)?.msg.contains("prevResult: missing") == true }
    }

    @Test("existing ports: ovs-vsctl's JSON listing, keys of the Interface row when the Port lacks them")
    func existingPorts() throws {
        let ports = #"{"data":[["web1",["map",[["vni","10"]]]],["vnet0",["map",[]]]],"headings":["name","external_ids"]}"#
        let interfaces = #"{"data":[["web1",["map",[["attached-mac","02:00:00:00:00:01"],["vni","99"]]]],["vnet0",["map",[["attached-mac","52:54:00:00:00:01"],["vni","10"]]]]],"headings":["name","external_ids"]}"#
        let found = try ExistingPort.parse(portListing: ports, interfaceListing: interfaces)
        #expect(found.map(\.name) == ["vnet0", "web1"])
        #expect(found[1].vni == 10 && found[1].mac == EthernetAddress("02:00:00:00:00:01"))
        #expect(found[0].vni == 10 && found[0].mac == EthernetAddress("52:54:00:00:00:01"))
        #expect(throws: CNIError.self) { try ExistingPort.parse(portListing: "{}", interfaceListing: interfaces) }
        #expect(LinkState.parse(#"[{"ifname":"eth0","mtu":1450,"address":"0a:58:c0:a8:0a:07"}]"#) == LinkState(name: "eth0", mac: EthernetAddress("0a:58:c0:a8:0a:07"), mtu: 1450))
        #expect(LinkState.parse("[]") == nil)
    }
}
