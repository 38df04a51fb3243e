import Foundation
import OVSDB
import TestSupport

/// The built plugin run as a runtime runs it: CNI_* variables, the network
/// configuration on stdin, inside the OVS sandbox's namespace (the "host"
/// where the bridge lives), against the sandbox's OVSDB.
struct PluginFixture {
    static let pluginPath = Command.builtProduct("swiftplane-cni")
    static let cniPluginDirectory = "/usr/lib/cni"

    /// Why the built plugin cannot run against real OVS here, or nil.
    static let unavailableReason: String? = AgentSandbox.unavailableReason
        ?? (pluginPath == nil ? "swiftplane-cni is not built (swift build)" : nil)
        ?? (FileManager.default.isExecutableFile(atPath: "\(cniPluginDirectory)/host-local") ? nil
            : "\(cniPluginDirectory)/host-local is missing (Debian's containernetworking-plugins; Tests/Tools/install-deps)")
        ?? (Command.which("nsenter") == nil ? "nsenter is not installed" : nil)

    let sandbox: OVSSandbox
    let folder: URL

    /// host-local's allocations stay in the test's folder.
    var ipamDirectory: String { folder.appendingPathComponent("ipam").path }
    var agentConfigPath: String { folder.appendingPathComponent("agent.yaml").path }

    /// The network configuration; `overrides` replace members (JSON text; nil removes).
    func configuration(vni: Int = 10, bridge: String = "br0", subnet: String = "192.168.10.0/24",
                       _ overrides: [String: String?] = [:]) -> String {
        var members: [(String, String?)] = [
            ("cniVersion", #""1.0.0""#), ("name", #""tenant\#(vni)""#), ("type", #""swiftplane""#), ("bridge", #""\#(bridge)""#),
            ("vni", String(vni)), ("mtu", "1450"), ("ovsdb", #""unix:\#(sandbox.databaseSocket ?? "")""#),
            ("agentConfig", #""\#(agentConfigPath)""#),
            ("ipam", #"{"type":"host-local","subnet":"\#(subnet)","dataDir":"\#(ipamDirectory)"}"#),
        ]
        for (key, value) in overrides {
            if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
        }
        return "{" + members.compactMap { k, v in v.map { "\"\(k)\":\($0)" } }.joined(separator: ",") + "}"
    }

    /// A namespace for a container, removed with the sandbox (listed in its
    /// `containers` file, which `ovs-sandbox down` walks).
    func addNamespace(_ suffix: String) throws -> String {
        let name = "\(sandbox.name)-\(suffix)"
        if let dir = sandbox.environment["OVS_RUNDIR"] {
            let file = "\(dir)/containers"
            let line = Data("\(name)\n".utf8)
            if let handle = FileHandle(forWritingAtPath: file) {
                handle.seekToEndOfFile()
                handle.write(line)
                try handle.close()
            } else {
                _ = FileManager.default.createFile(atPath: file, contents: line)
            }
        }
        _ = try Command.run("ip", ["netns", "add", name])
        return "/run/netns/\(name)"
    }

    struct Answer {
        var status: Int32
        var json: JSONValue?
        var stdout: String
        var stderr: String
        var code: Int64? { if case .integer(let c)? = json?["code"] { c } else { nil } }
        var msg: String { json?["msg"]?.stringValue ?? "" }
    }

    /// One call of the plugin.
    func call(_ command: String, containerID: String, netns: String?, ifname: String = "eth0", args: String? = nil,
              configuration: String, environment: [String: String?] = [:]) throws -> Answer {
        var env: [String: String?] = [
            "CNI_COMMAND": command, "CNI_CONTAINERID": containerID, "CNI_NETNS": netns, "CNI_IFNAME": ifname,
            "CNI_PATH": Self.cniPluginDirectory, "CNI_ARGS": args,
        ]
        for (k, v) in environment { env[k] = v }
        let assignments = env.compactMap { k, v in v.map { "\(k)=\($0)" } }.sorted()
        let r = try Command.run("ip", ["netns", "exec", sandbox.name, "env"] + assignments + [Self.pluginPath!],
                                input: Data(configuration.utf8))
        return Answer(status: r.status, json: try? JSONParser().parse(r.stdout), stdout: r.stdout, stderr: r.stderr)
    }

    /// What a failed call must not leave: the ports, the host's links, the
    /// addresses host-local handed out.
    struct State: Equatable {
        var ports: [String]
        var links: [String]
        var allocations: [String]
    }

    func state() throws -> State {
        let ports = try sandbox.vsctl("list-ports", sandbox.bridge).split(separator: "\n").map(String.init).sorted()
        let links = try sandbox.exec(["ip", "-o", "link", "show"]).stdout.split(separator: "\n")
            .map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces).split(separator: "@")[0] }.map(String.init).sorted()
        let allocations = ((try? FileManager.default.contentsOfDirectory(atPath: "\(ipamDirectory)/tenant10")) ?? [])
            .filter { $0.first?.isNumber == true }.sorted()
        return State(ports: ports, links: links, allocations: allocations)
    }

    /// Links inside a container namespace, lo excluded.
    func containerLinks(_ netns: String) throws -> [String] {
        try Command.run("nsenter", ["--net=\(netns)", "ip", "-o", "link", "show"]).stdout.split(separator: "\n")
            .map { String($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces).split(separator: "@")[0]) }
            .filter { $0 != "lo" }
    }

    /// An agent configuration serving `vnis` on br0 (the plugin checks the VNI against it).
    static func agentConfiguration(_ fixture: AgentSandbox, vnis: [Int]) -> String {
        fixture.configuration(ovsdb: true, "vnis:\n" + vnis.map { "  - vni: \($0)" }.joined(separator: "\n") + "\n")
    }
}
