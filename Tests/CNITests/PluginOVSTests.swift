import Foundation
import OVSDB
import Testing
import TestSupport

/// The built plugin driven by the specification's variables against a real
/// OVS (the sandbox), host-local for addresses and an agent configuration
/// serving VNI 10: a table of calls, each with the code and message it must
/// give and, when it fails, nothing left behind.
@Suite(
    "swiftplane-cni on real OVS",
    .serialized,
    .enabled(if: PluginFixture.unavailableReason == nil, Comment(rawValue: PluginFixture.unavailableReason ?? ""))
)
struct PluginOVSTests {
    enum Before: Sendable {
        /// A successful ADD of the same container first.
        case add
        /// ADD, then the port deleted by hand (`ovs-vsctl del-port`).
        case addThenDeletePort
        /// Another container attached with MAC 02:00:00:00:00:99 in VNI 10.
        case otherWithMAC
    }

    struct Case: NamedRow {
        var name: String
        var command: String
        var before: [Before] = []
        var config: [String: String?] = [:]
        var environment: [String: String?] = [:]
        var args: String? = nil
        /// nil: success.
        var code: Int64?
        var mentions: [String] = []
    }

    static let cases: [Case] = [
        Case(name: "good ADD", command: "ADD"),
        Case(name: "good ADD with the static IPAM plugin", command: "ADD",
             config: ["ipam": #"{"type":"static","addresses":[{"address":"192.168.10.50/24"}]}"#]),
        Case(name: "config without vni", command: "ADD", config: ["vni": nil], code: 7, mentions: ["vni: missing"]),
        Case(name: "config without bridge", command: "ADD", config: ["bridge": nil], code: 7, mentions: ["bridge: missing"]),
        Case(name: "config without ipam", command: "ADD", config: ["ipam": nil], code: 7, mentions: ["ipam: missing"]),
        Case(name: "malformed config", command: "ADD", config: ["mtu": #""big""#], code: 7, mentions: [#"mtu="big""#]),
        Case(name: "no CNI_NETNS", command: "ADD", environment: ["CNI_NETNS": nil], code: 4, mentions: ["CNI_NETNS"]),
        Case(name: "VNI out of range", command: "ADD", config: ["vni": "16777216"], code: 7, mentions: ["vni=16777216"]),
        Case(name: "VNI the agent does not serve", command: "ADD", config: ["vni": "11"], code: 101, mentions: ["vni=11"]),
        Case(name: "unknown bridge", command: "ADD", config: ["bridge": #""br9""#], code: 100, mentions: ["bridge=br9"]),
        Case(name: "unknown IPAM plugin", command: "ADD", config: ["ipam": #"{"type":"no-such-ipam"}"#], code: 105, mentions: ["ipam.type=no-such-ipam"]),
        Case(name: "IPAM refuses (bad subnet)", command: "ADD", config: ["ipam": #"{"type":"host-local","subnet":"10.0.0.0/99"}"#], code: 105,
             mentions: ["ipam.type=host-local"]),
        Case(name: "duplicate MAC in the VNI", command: "ADD", before: [.otherWithMAC], args: "MAC=02:00:00:00:00:99", code: 102,
             mentions: ["mac=02:00:00:00:00:99", "vni 10"]),
        Case(name: "repeated ADD", command: "ADD", before: [.add], code: 103, mentions: ["already attached"]),
        Case(name: "DEL of a container never attached", command: "DEL"),
        Case(name: "DEL without a namespace (it is gone)", command: "DEL", before: [.add], environment: ["CNI_NETNS": nil]),
        Case(name: "CHECK after ADD", command: "CHECK", before: [.add]),
        Case(name: "CHECK after the port was deleted by hand", command: "CHECK", before: [.addThenDeletePort], code: 104, mentions: ["not in OVSDB"]),
        Case(name: "VERSION", command: "VERSION"),
    ]

    @Test("a call of the plugin", arguments: cases)
    func call(_ c: Case) async throws {
        try await AgentSandbox.with(hint: "cni") { agent in
            let f = PluginFixture(sandbox: agent.sandbox, folder: agent.folder)
            try PluginFixture.agentConfiguration(agent, vnis: [10]).write(toFile: f.agentConfigPath, atomically: true, encoding: .utf8)
            let netns = try f.addNamespace("c1")
            var prevResult: String?
            for step in c.before {
                switch step {
                case .add, .addThenDeletePort:
                    let first = try f.call("ADD", containerID: "c1", netns: netns, configuration: f.configuration())
                    try #require(first.status == 0, "\(first.stdout) \(first.stderr)")
                    prevResult = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    if case .addThenDeletePort = step {
                        let port = try #require(try f.state().ports.first { $0.hasPrefix("sp") })
                        try agent.sandbox.vsctl("del-port", port)
                    }
                case .otherWithMAC:
                    let other = try f.addNamespace("c0")
                    let first = try f.call("ADD", containerID: "c0", netns: other, args: "MAC=02:00:00:00:00:99", configuration: f.configuration())
                    try #require(first.status == 0, "\(first.stdout) \(first.stderr)")
                }
            }
            let before = try f.state()
            var config = c.config
            if c.command == "CHECK", let prevResult { config["prevResult"] = prevResult }
            let answer = try f.call(c.command, containerID: "c1", netns: netns, args: c.args,
                                    configuration: f.configuration(config), environment: c.environment)
            if let code = c.code {
                #expect(answer.status != 0)
                #expect(answer.code == code, "\(answer.stdout)")
                #expect(answer.json?["cniVersion"]?.stringValue != nil)
                for m in c.mentions { #expect(answer.msg.contains(m), "\(answer.msg)") }
                // Nothing half-made: the same ports, links and addresses as before the call.
                #expect(try f.state() == before)
                if c.before.isEmpty { #expect(try f.containerLinks(netns).isEmpty) }
                return
            }
            #expect(answer.status == 0, "\(answer.stdout) \(answer.stderr)")
            switch c.command {
            case "ADD": try checkAdded(f, answer, netns: netns, before: before, configuration: f.configuration(config))
            case "DEL":
                let after = try f.state()
                #expect(!after.ports.contains { $0.hasPrefix("sp") } && !after.links.contains { $0.hasPrefix("sp") })
                #expect(after.allocations.isEmpty)
                // DEL is idempotent: once more, the same answer and state.
                let again = try f.call("DEL", containerID: "c1", netns: netns, configuration: f.configuration(), environment: c.environment)
                #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)")
                #expect(try f.state() == after)
            case "VERSION":
                #expect(answer.json?["supportedVersions"]?.arrayValue?.contains("1.0.0") == true)
            default:
                #expect(answer.stdout.isEmpty)
            }
        }
    }

    /// The port carries the endpoint, the container has the address, MAC and
    /// MTU; CHECK agrees; DEL undoes it all and gives the address back.
    func checkAdded(_ f: PluginFixture, _ answer: PluginFixture.Answer, netns: String, before: PluginFixture.State,
                    configuration: String) throws {
        let json = try #require(answer.json)
        let address = try #require(json["ips"]?.arrayValue?.first?["address"]?.stringValue)
        #expect(address.hasPrefix("192.168.10.") && address.hasSuffix("/24"))
        let interfaces = try #require(json["interfaces"]?.arrayValue)
        let port = try #require(interfaces.first?["name"]?.stringValue)
        let mac = try #require(interfaces.last?["mac"]?.stringValue)
        #expect(interfaces.last?["sandbox"]?.stringValue == netns)
        let ip = String(address.split(separator: "/")[0])
        #expect(try f.sandbox.vsctl("get", "Port", port, "external_ids:vni").trimmingCharacters(in: .whitespacesAndNewlines) == #""10""#)
        #expect(try f.sandbox.vsctl("get", "Port", port, "external_ids:attached-mac").contains(mac))
        #expect(try f.sandbox.vsctl("get", "Interface", port, "external_ids:ip").contains(ip))
        let inside = try Command.run("nsenter", ["--net=\(netns)", "ip", "-j", "addr", "show", "dev", "eth0"]).stdout
        #expect(inside.contains(#""address":"\#(mac)""#) && inside.contains(#""mtu":1450"#) && inside.contains(ip))
        // host-local keeps a file per address it handed out; static keeps nothing.
        let hostLocal = configuration.contains(#""type":"host-local""#)
        #expect(try f.state().allocations == (hostLocal ? [ip] : []))

        let prev = answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let check = try f.call("CHECK", containerID: "c1", netns: netns,
                               configuration: String(configuration.dropLast()) + #","prevResult":\#(prev)}"#)
        #expect(check.status == 0, "\(check.stdout)")
        let del = try f.call("DEL", containerID: "c1", netns: netns, configuration: configuration)
        #expect(del.status == 0, "\(del.stdout)")
        #expect(try f.state() == before)
        #expect(try f.containerLinks(netns).isEmpty)
    }
}
