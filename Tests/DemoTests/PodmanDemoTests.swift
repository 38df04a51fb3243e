import Foundation
import Testing
import TestSupport

/// Containers the way users run them, across the demo's hosts: `deploy/demo
/// podman` has rootful podman (CNI backend, runc) start a container on
/// goplane1 and one on goplane2 with `--network sp10` (swiftplane-cni, VNI 10);
/// they must ping each other through VXLAN with no ARP or broadcast on the
/// underlay and nothing reaching the other tenant, and `podman rm` must take
/// the endpoint out of every host's flows within 1 s. In the demo suite's
/// extension, so it never runs beside another demo test.
extension DemoScenarioTests {
    static let podmanChecks = [
        "podman started web1 on goplane1",
        "every host forwards to both (local port or the VTEP)",
        "web1 (goplane1) pings web2 (goplane2) across hosts: 5/5 replies",
        "web2 (goplane2) pings web1 (goplane1): 5/5 replies",
        "the other tenant (VNI 11) captured nothing: c2 0, c4 0, c6 0 frames",
        "web1's ARP for web2 answered inside goplane1's OVS",
        "underlay:",
        "web1's eth0 has the network's MTU 1450",
        "podman rm web2",
        "web1 stays: goplane2 and goplane3 still forward to goplane1",
        "teardown: podman rm --all removed web1's port too",
    ]

    /// Why podman cannot be driven on the demo here, or nil. Whether it can
    /// run a container at all on this kind of machine is `PodmanTests`'
    /// probe's question; here the tools and the built plugin must exist.
    static let podmanUnavailableReason: String? = {
        guard getuid() == 0 else { return "rootful podman needs root" }
        for tool in ["podman", "runc", "conmon", "nsenter", "python3"] where Command.which(tool) == nil {
            return "\(tool) is not installed (Tests/Tools/install-deps)"
        }
        guard Command.builtProduct("swiftplane-cni") != nil else { return "swiftplane-cni is not built" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/lib/cni/host-local") else {
            return "/usr/lib/cni/host-local is missing (containernetworking-plugins)"
        }
        let ldd = (try? Command.run("ldd", ["/bin/busybox"]))?.stdout ?? "=>"
        return ldd.contains("=>") ? "/bin/busybox is missing or not static (busybox-static)" : nil
    }()

    @Test("podman on two demo hosts: containers on a swiftplane network ping across hosts; podman rm withdraws everywhere",
          .enabled(if: Command.builtProduct("swiftplane-agent") != nil && Command.builtProduct("swiftplane-rr") != nil
                       && Command.builtProduct("swiftplanectl") != nil, "swiftplane-agent / -rr / ctl are not built"),
          .enabled(if: podmanUnavailableReason == nil, Comment(rawValue: podmanUnavailableReason ?? "")))
    func podmanAcrossHosts() throws {
        let taken = DemoTopology.namespaces.filter(DemoTopology.namespaceExists)
        try #require(taken.isEmpty, "namespaces \(taken) already exist (a demo is up? run: deploy/demo down)")
        defer { _ = try? DemoTopology.demo("down") }
        // podman names the containers' namespaces netns-UUID in /run/netns.
        let namespacesBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? [])

        let up = try DemoTopology.demo("up", "--no-build", "--no-deps")
        try #require(up.status == 0, "up failed:\n\(up.stdout)\(up.stderr)")
        let run = try DemoTopology.demo("podman")
        print(run.stdout)   // the report and the timings, for CI's log
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for line in Self.podmanChecks {
            #expect(run.stdout.contains("PASS  \(line)"), "no PASS for '\(line)':\n\(run.stdout)")
        }
        #expect(!run.stdout.contains("FAIL"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: "\(DemoTopology.state)/pm"), "podman's folder is left")
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        #expect(!mounts.contains(DemoTopology.state), "a mount under the demo's state is left:\n\(mounts)")

        let down = try DemoTopology.demo("down")
        #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
        for namespace in DemoTopology.namespaces {
            #expect(!DemoTopology.namespaceExists(namespace), "namespace \(namespace) is left")
        }
        let left = Set((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).subtracting(namespacesBefore)
        #expect(left.isEmpty, "network namespaces left: \(left.sorted())")
        #expect(!FileManager.default.fileExists(atPath: DemoTopology.state), "state folder is left")
    }
}
