import Foundation
import Testing
import TestSupport

/// swiftplane hosts beside a standard Linux EVPN VTEP. `deploy/demo
/// up --with-frr` adds goplane4 (Debian's FRR zebra and bgpd in its
/// namespace, kernel VXLAN devices in Linux bridges, c7 and c8); `check` must
/// then pass the mixed fabric's checks on the real FRR and kernel, and `down`
/// must stop FRR's daemons and remove goplane4 with the rest. VNI 12 is in
/// ingress-replication mode on goplane1 and goplane2: type-3 routes and
/// floods both ways with FRR. In the demo
/// suite's extension, so it never runs beside another demo test.
extension DemoScenarioTests {
    /// The mixed fabric's lines `deploy/demo check` must report as PASS.
    static let mixedChecks = [
        "goplane4 bgpd is Established with swiftplane-rr",
        "VNI 10: FRR holds every agent's MAC+IP route",
        "VNI 11: FRR holds every agent's MAC+IP route",
        "VNI 10: goplane4 floods BUM to no swiftplane VTEP",
        "VNI 10: every agent holds goplane4's type-2 MAC, type-2 MAC+IP and type-3 routes",
        "VNI 11: every agent holds goplane4's type-2 MAC, type-2 MAC+IP and type-3 routes",
        "VNI 10: every swiftplane host forwards c7's MAC to 10.9.9.6 and answers ARP for 192.168.0.5 in OVS",
        "c1 pings c7", "c7 pings c1", "c2 pings c8", "c8 pings c2",
        "VNI 10: c7 received", "VNI 11: c8 received",
        "c1's ARP for 192.168.0.5 answered inside goplane1's OVS",
        "c7's ARP for 192.168.0.2 answered by goplane4's bridge",
        "MAC-only type-2 from goplane4",
        "its MAC+IP route (192.168.0.6, from a gratuitous ARP) adds the ARP responder",
        "c9 removed on goplane4",
        "c5 removed on goplane3: gone from goplane4's kernel fdb and neighbours",
        "c7 appears on goplane2", "c7 back on goplane4", "c7 leaves goplane2",
        "bgpd restarted", "rr restarted",
        // VNI 12, ingress replication on goplane1 and goplane2 beside FRR.
        "VNI 12: FRR holds every agent's MAC+IP route",
        "VNI 12: FRR holds the type-3 routes of goplane1 goplane2 (ingress replication): zebra's flood list 10.9.9.2 10.9.9.3",
        "VNI 12: every agent holds goplane4's type-2 MAC, type-2 MAC+IP and type-3 routes",
        "VNI 12: goplane1's flood group replicates to the VTEPs of every type-3 route: 10.9.9.3 10.9.9.6",
        "VNI 12: goplane2's flood group replicates to the VTEPs of every type-3 route: 10.9.9.2 10.9.9.6",
        "VNI 12: goplane3 does not serve it and has no flood group for it",
        "VNI 12: 3 broadcasts from c12 (FRR's side) reach every other container of the VNI",
        "VNI 12: 3 unknown-unicast frames from c12 (FRR's side) reach every other container of the VNI",
        "VNI 12: 3 broadcasts from c10 (goplane1) reach every other container of the VNI",
        "VNI 12: 3 unknown-unicast frames from c10 (goplane1) reach every other container of the VNI",
        "VNI 12 floods: the other tenants' containers (c1 c2 c3 c4 c5 c6 c7 c8) captured nothing",
        "VNI 10 (flood: drop): 3 broadcasts flooded from goplane4 to goplane1 dropped in OVS, counted by the agent",
        "VNI 11: goplane4 floods BUM to no swiftplane VTEP",
    ]

    static let frrAvailable = FileManager.default.isExecutableFile(atPath: "/usr/lib/frr/zebra")
        && FileManager.default.isExecutableFile(atPath: "/usr/lib/frr/bgpd") && Command.which("vtysh") != nil

    @Test("up --with-frr: swiftplane and an FRR/Linux VTEP exchange routes and traffic; down leaves nothing",
          .enabled(if: Command.builtProduct("swiftplane-agent") != nil && Command.builtProduct("swiftplane-rr") != nil
                       && Command.builtProduct("swiftplanectl") != nil, "swiftplane-agent / -rr / ctl are not built"),
          .enabled(if: frrAvailable, "FRR is not installed (Tests/Tools/install-deps installs frr)"))
    func mixedFabric() throws {
        let namespaces = DemoTopology.namespaces + DemoTopology.frrNamespaces
        let taken = namespaces.filter(DemoTopology.namespaceExists)
        try #require(taken.isEmpty, "namespaces \(taken) already exist (a demo is up? run: deploy/demo down)")
        defer { _ = try? DemoTopology.demo("down") }

        let up = try DemoTopology.demo("up", "--no-build", "--no-deps", "--with-frr")
        try #require(up.status == 0, "up failed:\n\(up.stdout)\(up.stderr)")
        let pidFolder = URL(fileURLWithPath: "\(DemoTopology.state)/pids")
        let pids = Repository.files(in: pidFolder, withExtension: "pid").compactMap { file in
            (try? String(contentsOf: file, encoding: .utf8)).flatMap { Int32($0.trimmed) }
        }
        // FRR's daemons run under the demo's pids, inside goplane4, with their own pid files.
        for daemon in ["zebra", "bgpd"] {
            let pid = (try? String(contentsOfFile: "\(DemoTopology.state)/pids/\(daemon)-goplane4.pid", encoding: .utf8))
                .flatMap { Int32($0.trimmed) }
            #expect(pid.map(ProcessState.isRunning) == true, "\(daemon) of goplane4 is not running")
            #expect(FileManager.default.fileExists(atPath: "\(DemoTopology.state)/frr/\(daemon).pid"), "\(daemon) pid file")
        }

        let check = try DemoTopology.demo("check")
        print(check.stdout)   // the report and the timings, for CI's log
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        for line in Self.scenarioChecks + Self.mixedChecks {
            #expect(check.stdout.contains("PASS  \(line)"), "no PASS for '\(line)':\n\(check.stdout)")
        }
        #expect(!check.stdout.contains("FAIL"), "\(check.stdout)")

        let down = try DemoTopology.demo("down")
        #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
        for namespace in namespaces + ["c9"] {
            #expect(!DemoTopology.namespaceExists(namespace), "namespace \(namespace) is left")
        }
        for pid in pids { #expect(!ProcessState.isRunning(pid), "process \(pid) still runs") }
        #expect(!FileManager.default.fileExists(atPath: DemoTopology.state), "state folder is left")
    }
}
