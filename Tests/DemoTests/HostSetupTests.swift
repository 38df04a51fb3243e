import Foundation
import Testing
import TestSupport

/// `deploy/host-setup` and `deploy/add-container`, run inside a private OVS
/// sandbox where they see it as a real host's Open vSwitch.
@Suite(
    "deploy/host-setup and deploy/add-container",
    .enabled(if: DemoTopology.unavailableReason == nil, Comment(rawValue: DemoTopology.unavailableReason ?? ""))
)
struct HostSetupTests {
    static let hostSetup = Repository.root.appendingPathComponent("deploy/host-setup").path
    static let addContainer = Repository.root.appendingPathComponent("deploy/add-container").path

    /// What host-setup promises, read back from OVSDB.
    static let settings: [(arguments: [String], expected: String)] = [
        (["get", "Bridge", "br0", "fail_mode"], "secure"),
        (["get", "Bridge", "br0", "protocols"], "[OpenFlow13]"),
        (["get", "Bridge", "br0", "other_config:disable-in-band"], "\"true\""),
        (["get-controller", "br0"], "tcp:127.0.0.1:6653"),
        (["get", "Interface", "vxlan0", "type"], "vxlan"),
        (["get", "Interface", "vxlan0", "ofport"], "100"),
        (["get", "Interface", "vxlan0", "options"], "{key=flow, local_ip=\"10.9.9.2\", remote_ip=flow}"),
        (["get", "Interface", "vxlan0", "error"], "[]"),
    ]

    @Test("host-setup makes the bridge the agent expects, and a second run changes nothing (flows survive)")
    func hostSetupIsIdempotent() throws {
        try OVSSandbox.with(hint: "hostsetup") { sandbox in
            let arguments = ["exec", sandbox.name, Self.hostSetup, "--local-ip", "10.9.9.2", "--datapath", "netdev"]
            try OVSSandbox.tool(arguments)
            for setting in Self.settings {
                #expect(try vsctl(sandbox, setting.arguments).trimmed == setting.expected, "\(setting.arguments)")
            }
            // A flow added now must outlive a second run: re-setting the
            // controller would replace its row and could flush the table.
            let controller = try vsctl(sandbox, ["get", "Bridge", "br0", "controller"]).trimmed
            try sandbox.ofctl("add-flow", "br0", "priority=5,actions=drop")
            try OVSSandbox.tool(arguments)
            #expect(try vsctl(sandbox, ["get", "Bridge", "br0", "controller"]).trimmed == controller)
            #expect(try sandbox.dumpFlows().count == 1)
            #expect(try vsctl(sandbox, ["list-ports", "br0"]).trimmed == "vxlan0")
        }
    }

    @Test("host-setup --agent-config points the bridge at the agent's unix socket; one outside OVS's run directory is refused")
    func unixControllerFromTheAgentConfiguration() async throws {
        let agent = try #require(Command.builtProduct("swiftplane-agent"), "swiftplane-agent is not built")
        let folder = try TemporaryFolder.create("host-setup")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await OVSSandbox.with(hint: "hsux") { sandbox in
            let socket = try sandbox.controllerSocketPath()
            let config = folder.appendingPathComponent("agent.yaml").path
            try """
                vtep: 10.9.9.3
                as: 65000
                controller:
                  listen: unix:\(socket)
                bridges:
                  - name: br0
                    vxlan-port: 100
                vnis:
                  - vni: 10
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let setup = ["exec", sandbox.name, "env", "SWIFTPLANE_AGENT=\(agent)", Self.hostSetup, "--local-ip", "10.9.9.3",
                         "--datapath", "netdev"]
            try OVSSandbox.tool(setup + ["--agent-config", config])
            #expect(try vsctl(sandbox, ["get-controller", "br0"]).trimmed == "unix:\(socket)")
            // OVS takes the path (it dials it) rather than refusing it.
            #expect(await eventually(5) { sandbox.vswitchdLog().contains("br0<->unix:\(socket): connecting") },
                    "\(sandbox.vswitchdLog().suffix(1500))")

            let rundir = try #require(sandbox.runDirectory)
            let refused = [
                ("unix:/tmp/swiftplane-elsewhere.sock",
                 "OVS connects only to unix: controllers in its run directory \(rundir); got unix:/tmp/swiftplane-elsewhere.sock"),
                ("unix:relative.sock",
                 "--controller must be tcp:HOST:PORT, ssl:HOST:PORT or unix:/ABSOLUTE/PATH, got 'unix:relative.sock'"),
            ]
            for (target, message) in refused {
                let error = #expect(throws: OVSSandboxError.self) { try OVSSandbox.tool(setup + ["--controller", target]) }
                #expect(error?.message.contains("host-setup: \(message)") == true, "\(String(describing: error))")
            }
            #expect(try vsctl(sandbox, ["get-controller", "br0"]).trimmed == "unix:\(socket)")
        }
    }

    /// An IPv6 underlay: the VXLAN port sends from an IPv6 local_ip; text that is no address is refused.
    @Test("host-setup takes an IPv6 VTEP and refuses text that is no address")
    func ipv6LocalIP() throws {
        try OVSSandbox.with(hint: "hostsetup6") { sandbox in
            try OVSSandbox.tool(["exec", sandbox.name, Self.hostSetup, "--local-ip", "fd00:9::2", "--datapath", "netdev"])
            #expect(try vsctl(sandbox, ["get", "Interface", "vxlan0", "options"]).trimmed
                == "{key=flow, local_ip=\"fd00:9::2\", remote_ip=flow}")
            #expect(try vsctl(sandbox, ["get", "Interface", "vxlan0", "error"]).trimmed == "[]")
            let error = #expect(throws: OVSSandboxError.self) {
                try OVSSandbox.tool(["exec", sandbox.name, Self.hostSetup, "--local-ip", "vtep.example", "--datapath", "netdev"])
            }
            #expect(error?.message.contains("--local-ip must be an IPv4 or IPv6 address (this host's VTEP), got 'vtep.example'") == true,
                    "\(String(describing: error))")
        }
    }

    private func vsctl(_ sandbox: OVSSandbox, _ arguments: [String]) throws -> String {
        try OVSSandbox.tool(["vsctl", sandbox.name] + arguments)
    }

    struct Attachment: Sendable, CustomTestStringConvertible {
        var vni: String, mac: String, ip: String
        /// nil when add-container must accept it, else a word its refusal names.
        var refusal: String?
        var testDescription: String { "VNI \(vni) \(mac) \(ip)" + (refusal.map { " (refused: \($0))" } ?? "") }
    }

    static let attachments = [
        Attachment(vni: "10", mac: "02:42:c0:a8:00:02", ip: "192.168.0.2/24", refusal: nil),
        Attachment(vni: "16777215", mac: "0a:00:00:00:00:01", ip: "10.1.2.3/8", refusal: nil),
        Attachment(vni: "0", mac: "02:42:c0:a8:00:02", ip: "192.168.0.2/24", refusal: "--vni"),
        Attachment(vni: "16777216", mac: "02:42:c0:a8:00:02", ip: "192.168.0.2/24", refusal: "--vni"),
        Attachment(vni: "10", mac: "01:00:5e:00:00:01", ip: "192.168.0.2/24", refusal: "multicast"),
        Attachment(vni: "10", mac: "02:42:c0:a8:00", ip: "192.168.0.2/24", refusal: "--mac"),
        Attachment(vni: "10", mac: "02:42:c0:a8:00:02", ip: "192.168.0.2", refusal: "--ip"),
    ]

    @Test("add-container wires a namespace to the bridge and records the endpoint, or refuses bad input",
          arguments: attachments)
    func addContainer(_ attachment: Attachment) throws {
        try OVSSandbox.with(hint: "addctr") { sandbox in
            let netns = "\(sandbox.name)-c"
            _ = try Command.run("ip", ["netns", "add", netns])
            defer { _ = try? Command.run("ip", ["netns", "del", netns]) }
            let result = try Command.run(OVSSandbox.script.path, [
                "exec", sandbox.name, Self.addContainer, "--netns", netns, "--port-name", "ctr0",
                "--vni", attachment.vni, "--mac", attachment.mac, "--ip", attachment.ip, "--ofport", "7",
            ])
            if let refusal = attachment.refusal {
                #expect(result.status != 0)
                #expect(result.stderr.contains(refusal), "\(result.stderr)")
                #expect(try vsctl(sandbox, ["list-ports", "br0"]).trimmed == "", "a refused attachment left a port")
                return
            }
            try #require(result.status == 0, "\(result.stderr)")
            #expect(try vsctl(sandbox, ["get", "Interface", "ctr0", "ofport"]).trimmed == "7")
            let ids = try vsctl(sandbox, ["get", "Interface", "ctr0", "external_ids"]).trimmed
            let address = String(attachment.ip.prefix { $0 != "/" })
            #expect(ids == "{attached-mac=\"\(attachment.mac)\", ip=\"\(address)\", vni=\"\(attachment.vni)\"}")
            let inside = try Command.run("ip", ["-n", netns, "-o", "addr", "show", "dev", "eth0"]).stdout
            #expect(inside.contains(attachment.ip), "\(inside)")
            let link = try Command.run("ip", ["-n", netns, "link", "show", "dev", "eth0"]).stdout
            #expect(link.contains(attachment.mac) && link.contains("mtu 1450") && link.contains("UP"), "\(link)")
        }
    }
}
