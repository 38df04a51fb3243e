import Foundation
import Testing
import TestSupport

/// The private Open vSwitch sandbox that every dataplane test builds on: it
/// must give a real working bridge, and leave nothing behind, ever.
@Suite(
    "OVS sandbox",
    .enabled(if: OVSSandbox.isAvailable, Comment(rawValue: OVSSandbox.unavailableReason ?? ""))
)
struct OVSSandboxTests {
    // MARK: up

    /// What `up` promises about the bridge, read back from OVS itself.
    static let bridgeSettings: [(column: [String], expected: String)] = [
        (["get", "Bridge", "BR", "datapath_type"], "netdev"),
        (["get", "Bridge", "BR", "fail_mode"], "secure"),
        (["get", "Bridge", "BR", "protocols"], "[OpenFlow13]"),
        (["get", "Bridge", "BR", "other_config:disable-in-band"], "\"true\""),
        (["get", "Interface", "BR", "error"], "[]"),
        (["get", "Interface", "BR", "ofport"], "65534"),
    ]

    @Test("up makes a bridge with the settings the controller relies on", arguments: ["br0", "br-int"])
    func upMakesAWorkingBridge(bridge: String) throws {
        try OVSSandbox.with(hint: "up", bridge: bridge) { sandbox in
            for setting in Self.bridgeSettings {
                let arguments = setting.column.map { $0 == "BR" ? bridge : $0 }
                let value = try sandbox.vsctl(arguments[0], arguments[1], arguments[2], arguments[3])
                #expect(value.trimmingCharacters(in: .whitespacesAndNewlines) == setting.expected, "\(arguments)")
            }
            // The bridge answers OpenFlow 1.3 on its management socket...
            let show = try sandbox.ofctl("show", bridge)
            #expect(show.contains("OFPT_FEATURES_REPLY (OF1.3)"), "\(show)")
            // ...starts with no flow at all (secure mode: nothing forwards)...
            #expect(try sandbox.dumpFlows() == [])
            // ...and its netdev tap lives in the sandbox's namespace, not the host's.
            #expect(try sandbox.exec(["ip", "link", "show", "dev", bridge]).status == 0)
            let host = try Command.run("ip", ["link", "show", "dev", bridge])
            #expect(host.status != 0, "the bridge must not appear in the host namespace: \(host.stdout)")
        }
    }

    // MARK: containers and flows

    struct PingCase: Sendable, CustomTestStringConvertible {
        var family: String
        var addressA: String, addressB: String, target: String
        var testDescription: String { family }
    }

    static let pingCases = [
        PingCase(family: "IPv4", addressA: "192.168.0.1/24", addressB: "192.168.0.2/24", target: "192.168.0.2"),
        PingCase(family: "IPv6", addressA: "fd00::1/64", addressB: "fd00::2/64", target: "fd00::2"),
    ]

    @Test("two containers ping each other once a NORMAL flow is installed, not before", arguments: pingCases)
    func containersPing(_ ping: PingCase) throws {
        try OVSSandbox.with(hint: "ping") { sandbox in
            let a = try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: [ping.addressA])
            let b = try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: [ping.addressB], ofport: 7)
            #expect(a.mac == "02:00:00:00:00:0a")
            #expect(b.ofport == 7)
            let ports = try sandbox.ofctl("dump-ports-desc", sandbox.bridge)
            #expect(ports.contains(" 7(b):") && ports.contains("(a):"), "\(ports)")

            // fail_mode=secure with an empty table: the sandbox must not forward by itself.
            let before = try a.exec(["ping", "-c", "1", "-W", "1", ping.target])
            #expect(before.status != 0, "ping crossed a bridge with no flows: \(before.stdout)")

            try sandbox.ofctl("add-flow", sandbox.bridge, "actions=NORMAL")
            let after = try a.exec(["ping", "-c", "3", "-i", "0.2", "-W", "3", ping.target])
            #expect(after.status == 0, "ping failed: \(after.stdout)\(after.stderr)\n\(sandbox.vswitchdLog())")
            // Neighbour resolution went through OVS and learnt b's real MAC.
            let neighbours = try a.exec(["ip", "neigh", "show", ping.target.split(separator: "/")[0].description])
            #expect(neighbours.stdout.contains(b.mac), "\(neighbours.stdout)")
            let flows = try sandbox.dumpFlows()
            #expect(flows.count == 1 && !flows[0].contains("n_packets=0,"), "\(flows)")
        }
    }

    /// (VLAN of the pinging container, VLAN of the target, whether they meet.)
    static let vlanCases: [(from: Int, to: Int, reaches: Bool)] = [(100, 100, true), (100, 200, false)]

    @Test("access ports: NORMAL forwards within a VLAN and never across", arguments: vlanCases)
    func accessPorts(from: Int, to: Int, reaches: Bool) throws {
        try OVSSandbox.with(hint: "vlan") { sandbox in
            let a = try sandbox.addContainer("a", addresses: ["192.168.0.1/24"], vlan: from)
            try sandbox.addContainer("b", addresses: ["192.168.0.2/24"], vlan: to)
            #expect(try sandbox.vsctl("get", "Port", "b", "tag").trimmingCharacters(in: .whitespacesAndNewlines) == "\(to)")
            try sandbox.ofctl("add-flow", sandbox.bridge, "actions=NORMAL")
            let ping = try a.exec(["ping", "-c", "2", "-i", "0.3", "-W", "1", "192.168.0.2"])
            #expect((ping.status == 0) == reaches, "\(ping.stdout)")
        }
    }

    @Test("TCP crosses the bridge in both directions: checksum offload is off on the veths")
    func tcpCrosses() throws {
        let python = try #require(Self.python, "python3 is not installed (Tests/Tools/install-deps installs it)")
        try OVSSandbox.with(hint: "tcp") { sandbox in
            let a = try sandbox.addContainer("a", addresses: ["192.168.0.1/24"])
            let b = try sandbox.addContainer("b", addresses: ["192.168.0.2/24"])
            try sandbox.ofctl("add-flow", sandbox.bridge, "actions=NORMAL")
            let features = try a.exec(["ethtool", "-k", "eth0"]).stdout
            #expect(features.contains("tx-checksumming: off"), "\(features)")
            // An echo server in b; a sends 200 kB (many full-size segments) and
            // must read back exactly what it sent.
            let server = try sandbox.spawn([python, "-c", Self.echoServer], in: b)
            defer { server.waitForExit(within: 15); server.stop() }
            // The server prints one line once it listens.
            #expect(server.waitForOutput("listening", within: 15), "the echo server did not start: \(server.output)")
            let client = try a.exec([python, "-c", Self.echoClient])
            #expect(client.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "echoed 200000",
                    "\(client.stdout)\(client.stderr)")
        }
    }

    /// Debian's python3 (what CI installs), else whatever PATH offers.
    static let python: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        ? "/usr/bin/python3" : Command.which("python3")

    static let echoServer = """
        import socket
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("192.168.0.2", 7000)); s.listen(1); s.settimeout(15)
        print("listening", flush=True)
        c, _ = s.accept(); c.settimeout(10)
        while True:
            d = c.recv(65536)
            if not d: break
            c.sendall(d)
        c.close()
        """

    static let echoClient = """
        import socket, threading
        data = bytes(i % 251 for i in range(200000))
        c = socket.create_connection(("192.168.0.2", 7000), timeout=10)
        def send():
            c.sendall(data); c.shutdown(socket.SHUT_WR)
        threading.Thread(target=send).start()
        got = b""
        while True:
            d = c.recv(65536)
            if not d: break
            got += d
        print("echoed", len(got) if got == data else -1)
        """

    @Test("two sandboxes on one underlay reach each other through their flow-based VXLAN ports",
          arguments: [100, 16_777_215])
    func vxlanBetweenSandboxes(vni: Int) throws {
        try OVSUnderlay.with { underlay in
            try OVSSandbox.with(hint: "h1") { h1 in
                try OVSSandbox.with(hint: "h2") { h2 in
                    let vtep1 = try h1.addVTEP(on: underlay, address: "10.9.9.1/24", mac: "02:00:00:00:09:01")
                    let vtep2 = try h2.addVTEP(on: underlay, address: "10.9.9.2/24", mac: "02:00:00:00:09:02")
                    #expect(vtep1.address == "10.9.9.1" && vtep2.mac == "02:00:00:00:09:02")
                    let a = try h1.addContainer("a", addresses: ["192.168.0.1/24"])
                    let b = try h2.addContainer("b", addresses: ["192.168.0.2/24"])
                    // Static overlay flows: everything from the container into
                    // the tunnel with this VNI, and back.
                    for (host, local, vtep, remote) in [(h1, a, vtep1, vtep2), (h2, b, vtep2, vtep1)] {
                        try host.ofctl("add-flow", host.bridge,
                                       "in_port=\(local.ofport),actions=set_field:\(vni)->tun_id,set_field:\(remote.address)->tun_dst,output:\(vtep.ofport)")
                        try host.ofctl("add-flow", host.bridge, "in_port=\(vtep.ofport),tun_id=\(vni),actions=output:\(local.ofport)")
                    }
                    // OVS drops the first encapsulated packet while it resolves the
                    // remote VTEP's MAC; ping exits 0 when any reply came back.
                    let ping = try a.exec(["ping", "-c", "4", "-i", "0.3", "-W", "2", "192.168.0.2"])
                    #expect(ping.status == 0, "\(ping.stdout)\(ping.stderr)\n\(h1.vswitchdLog())")
                    // Decapsulated with the right VNI on the far side.
                    let flows = try h2.dumpFlows()
                    let decap = flows.first { $0.contains("tun_id=\(String(format: "0x%x", vni))") }
                    #expect(decap.map { !$0.contains("n_packets=0,") } == true, "\(flows)")
                    let neighbours = try h1.appctl("tnl/neigh/show")
                    #expect(neighbours.contains("10.9.9.2") && neighbours.contains(vtep2.mac), "\(neighbours)")
                }
            }
        }
    }

    @Test("the controller target is dialled from inside the sandbox's namespace and speaks OpenFlow 1.3")
    func controllerConnects() throws {
        let python = try #require(Self.python, "python3 is not installed (Tests/Tools/install-deps installs it)")
        try OVSSandbox.with(hint: "ctl") { sandbox in
            // A listener on the sandbox's own 127.0.0.1 that prints the first 8
            // bytes it receives: OVS's HELLO header.
            let listener = try sandbox.spawn([python, "-c", Self.helloListener])
            try sandbox.setController("tcp:127.0.0.1:6653")
            #expect(try sandbox.vsctl("get", "Controller", sandbox.bridge, "max_backoff")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1000")
            listener.waitForExit(within: 20)
            let hex = listener.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let header = Hex.bytes(hex) ?? []
            // ofp_header: version 4 (OpenFlow 1.3, the only protocol allowed), type 0 (HELLO).
            #expect(header.count == 8, "listener got \(hex)")
            #expect(header.first == 0x04 && header.dropFirst().first == 0x00, "listener got \(hex)")
        }
    }

    static let helloListener = """
        import socket
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 6653)); s.listen(1); s.settimeout(15)
        c, _ = s.accept(); c.settimeout(5); d = b""
        while len(d) < 8:
            chunk = c.recv(8 - len(d))
            if not chunk: break
            d += chunk
        print(d.hex())
        """

    // MARK: down

    @Test("down stops the daemons and whatever runs in the namespaces, and removes everything; twice is fine")
    func downLeavesNothing() throws {
        let sandbox = try OVSSandbox.start(hint: "down")
        var stopped = false
        defer { if !stopped { sandbox.stop() } }
        let a = try sandbox.addContainer("a", addresses: ["192.168.0.1/24"])
        let b = try sandbox.addContainer("b", addresses: ["192.168.0.2/24"])
        // A process left running in a container, as a crashed test would leave it.
        let sleeper = try sandbox.spawn(["sleep", "300"], in: b)
        let pids = sandbox.daemonPIDs() + [sleeper.pid]
        #expect(sandbox.daemonPIDs().count == 2)
        #expect(pids.allSatisfy(ProcessState.isRunning))
        let directory = OVSSandbox.stateDirectory.appendingPathComponent(sandbox.name)

        sandbox.stop()
        stopped = true
        sleeper.waitForExit(within: 10)
        #expect(!pids.contains(where: ProcessState.isRunning), "still running: \(pids.filter(ProcessState.isRunning))")
        for netns in [sandbox.name, a.netns, b.netns] {
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(netns)"), "netns \(netns) left behind")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(Self.processes(mentioning: directory.path) == [])
        #expect(try !OVSSandbox.tool(["list"]).split(separator: "\n").contains(Substring(sandbox.name)))
        // Idempotent: a second down (e.g. a defer after an explicit stop) succeeds.
        try OVSSandbox.tool(["down", sandbox.name])
    }

    @Test("down-stale removes the sandboxes whose owner process is gone, and only those")
    func downStale() throws {
        // The owner is a process that is alive while the sandbox comes up (so
        // no concurrent down-stale, ours or another run's, takes it midway) and
        // then dies, as a crashed test run would.
        let owner = try Daemon(["/bin/sleep", "60"])
        let orphan = OVSSandbox.uniqueName("orphan")
        defer { _ = try? OVSSandbox.tool(["down", orphan]) }
        let up = try Command.run(
            "/usr/bin/env", ["SWIFTPLANE_OVS_OWNER=\(owner.pid)", OVSSandbox.script.path, "up", orphan])
        owner.stop()
        #expect(up.status == 0, "\(up.stderr)")
        #expect(FileManager.default.fileExists(atPath: "/run/netns/\(orphan)"))

        try OVSSandbox.with(hint: "alive") { alive in
            try OVSSandbox.tool(["down-stale"])
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(orphan)"), "the orphan survived")
            #expect(!FileManager.default.fileExists(
                atPath: OVSSandbox.stateDirectory.appendingPathComponent(orphan).path))
            // Ours (this process is alive) is untouched and still answers.
            #expect(try alive.ofctl("show", alive.bridge).contains("OF1.3"))
        }
    }

    enum FailedUp: String, CaseIterable, Sendable {
        /// add-br "succeeds" but the datapath cannot make the tap: up must notice.
        case bridgeCannotComeUp
        /// The namespace exists and is not ours: up must fail without touching it.
        case namespaceTaken
        /// The sandbox exists: up must fail and leave the running one intact.
        case sandboxExists
    }

    @Test("a failed up leaves nothing of its own behind and harms nothing that was there", arguments: FailedUp.allCases)
    func failedUp(_ failure: FailedUp) throws {
        let name = OVSSandbox.uniqueName("fail")
        let directory = OVSSandbox.stateDirectory.appendingPathComponent(name)
        var existing: OVSSandbox? = nil
        defer {
            existing?.stop()
            _ = try? Command.run("ip", ["netns", "del", name])
        }
        var bridge = "br0"
        switch failure {
        case .bridgeCannotComeUp:
            bridge = "br-longer-than-ifnamsiz"  // Linux interface names stop at 15 bytes.
        case .namespaceTaken:
            #expect(try Command.run("ip", ["netns", "add", name]).status == 0)
        case .sandboxExists:
            existing = try OVSSandbox.start(name: name, bridge: "br0")
        }

        #expect(throws: OVSSandboxError.self) { try OVSSandbox.start(name: name, bridge: bridge) }

        switch failure {
        case .bridgeCannotComeUp:
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(name)"))
            #expect(!FileManager.default.fileExists(atPath: directory.path))
            #expect(Self.processes(mentioning: directory.path) == [])
            try OVSSandbox.tool(["down", name])  // safe after a failed up
        case .namespaceTaken:
            #expect(FileManager.default.fileExists(atPath: "/run/netns/\(name)"), "up deleted a namespace it did not make")
            #expect(!FileManager.default.fileExists(atPath: directory.path))
        case .sandboxExists:
            let sandbox = try #require(existing)
            #expect(sandbox.daemonPIDs().count == 2 && sandbox.daemonPIDs().allSatisfy(ProcessState.isRunning))
            #expect(try sandbox.ofctl("show", "br0").contains("OF1.3"))
        }
    }

    /// Pids whose command line mentions `text` (a sandbox's private folder
    /// appears in its daemons' --pidfile and --log-file arguments).
    static func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(text + "/") && ProcessState.isRunning(pid)
        }
    }
}
