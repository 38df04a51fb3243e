import Foundation
import Testing
import TestSupport

/// One container of goplane's demo, as `deploy/demo-topology` declares it:
/// the script builds the demo from that file, and the tests check what it
/// built (ports, flows, pings) against the same file.
struct DemoEndpoint: Sendable, CustomTestStringConvertible {
    var container: String
    var host: String
    var vni: Int
    var ip: String
    var ofport: Int

    /// 192.168.0.X has 02:42:c0:a8:00:0X (Docker's convention, as in goplane).
    var mac: String {
        let octets = ip.split(separator: ".").compactMap { Int($0) }
        return "02:42:" + octets.map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    var testDescription: String { "\(container) (VNI \(vni), \(ip))" }
}

enum DemoTopology {
    /// `deploy/demo-topology`'s lines as words, comments and blank lines left out.
    static let declared: [[String]] = {
        let file = Repository.root.appendingPathComponent("deploy/demo-topology")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { !$0.isEmpty && !$0[0].hasPrefix("#") }
    }()

    /// `host NAME VTEP-IPV4 VTEP-IPV6`
    static let hosts = declared.filter { $0.count == 4 && $0[0] == "host" }.map { $0[1] }
    static let vteps = Dictionary(uniqueKeysWithValues: declared.filter { $0.count == 4 && $0[0] == "host" }.map { ($0[1], $0[2]) })
    static let vxlanOfport = 100
    static let controller = "tcp:127.0.0.1:6653"

    /// `container NAME HOST VNI IP OFPORT`
    static let endpoints = declared.filter { $0.count == 6 && $0[0] == "container" }.compactMap { words in
        Int(words[3]).flatMap { vni in Int(words[5]).map { DemoEndpoint(container: words[1], host: words[2], vni: vni, ip: words[4], ofport: $0) } }
    }

    /// Every namespace the demo makes.
    static let namespaces = ["underlay", "rr"] + hosts + endpoints.map(\.container)

    /// What `up --with-frr` adds: goplane4 (FRR and the kernel's VXLAN) and
    /// its containers c7 (VNI 10), c8 (VNI 11) and c12 (VNI 12), all
    /// 192.168.0.5; VNI 12's c10 on goplane1 and c11 on goplane2.
    static let frrNamespaces = ["goplane4", "c7", "c8", "c12", "c10", "c11"]

    static let script = Repository.root.appendingPathComponent("deploy/demo")

    /// The demo's state folder for this test process, apart from a real
    /// `deploy/demo up` in /run/swiftplane-demo.
    static let state = "/tmp/swiftplane-demo-test-\(getpid())"

    /// Why the demo cannot run here, or nil.
    static let unavailableReason: String? = {
        if let reason = OVSSandbox.unavailableReason { return reason }
        for tool in ["tcpdump", "tshark", "ping", "nsenter"] where Command.which(tool) == nil {
            return "\(tool) is not installed (Tests/Tools/install-deps installs it)"
        }
        return nil
    }()

    /// Runs `deploy/demo ARGS` on this process's state folder, with the
    /// daemons of this build (the debug products `swift build` made) and the
    /// reflectors' selection deferral at 3 s instead of 8: the agents are
    /// back within a second, and every up and reflector restart waits for it
    /// (the tests check that the deferral ends, not how long it is).
    /// `environment`: more NAME=VALUE settings for the script (CHURN_PERIOD=S).
    @discardableResult
    static func demo(environment: [String] = [], _ arguments: String...) throws -> CommandResult {
        try Command.run("/usr/bin/env", ["SWIFTPLANE_DEMO_STATE=\(state)", "SWIFTPLANE_DEMO_BIN=\(daemonFolder)",
                                         "SWIFTPLANE_DEMO_SELECTION_DEFERRAL=3"] + environment + [script.path] + arguments)
    }

    /// Where `swift build` put swiftplane-rr and swiftplane-agent.
    static let daemonFolder = Command.builtProduct("swiftplane-agent").map {
        URL(fileURLWithPath: $0).deletingLastPathComponent().path
    } ?? Repository.root.appendingPathComponent(".build/debug").path

    /// `ovs-sandbox ARGS` on one of the demo's OVS instances.
    @discardableResult
    static func sandbox(_ arguments: [String], input: String? = nil) throws -> CommandResult {
        try Command.run("/usr/bin/env", ["SWIFTPLANE_OVS_STATE=\(state)/ovs", OVSSandbox.script.path] + arguments,
                        input: input.map { Data($0.utf8) })
    }

    /// Runs a command inside a namespace.
    static func exec(_ netns: String, _ arguments: [String]) throws -> CommandResult {
        try Command.run("ip", ["netns", "exec", netns] + arguments)
    }

    static func namespaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(name)")
    }
}
