import AdminAPI
import Foundation
import Testing
import TestSupport

/// The faults an operator meets first, through the built binaries: usage
/// errors, --version, unreadable or garbled files, listeners in use,
/// SIGHUP with settings that need a restart, and an agent whose OVSDB and
/// reflector are away (unhealthy, and said so in the log with backoff).
@Suite(.serialized, .enabled(if: Built.rr != nil && Built.agent != nil && Built.ctl != nil, "the daemons and swiftplanectl are not built (swift build)"))
struct OperatorErrorTests {
    static let rrYAML = "as: 65000\nrouter-id: 10.0.0.1\n"

    @Test(arguments: ["swiftplane-rr", "swiftplane-agent", "swiftplanectl", "swiftplane-cni", "swiftplane-bench"])
    func versionIsPrinted(_ binary: String) throws {
        let path = try #require(Command.builtProduct(binary), "\(binary) is not built")
        let r = try Command.run(path, ["--version"])
        #expect(r.status == 0 && r.stdout == SwiftplaneVersion.text + "\n", "\(r.stdout)\(r.stderr)")
    }

    /// Every binary says what is wrong and exits 2 on a usage error.
    @Test(arguments: [
        ["swiftplane-rr", "--bogus"],
        ["swiftplane-rr", "--as", "sixty"],
        ["swiftplane-agent", "--bogus"],
        ["swiftplane-agent"],  // --config is required
        ["swiftplanectl", "--bogus"],
        ["swiftplanectl", "routes", "--type", "9"],
        ["swiftplane-rr", "--as", "65000", "--router-id", "10.0.0.1", "--bmp", "nowhere", "--check-config"],
        ["swiftplane-rr", "--as", "65000", "--router-id", "10.0.0.1", "--mrt-directory", "relative/dir", "--check-config"],
        ["swiftplane-bench", "--bogus"],
        ["swiftplane-bench", "bgp", "--routes", "0"],
    ])
    func usageErrorsExit2(_ arguments: [String]) throws {
        let r = try Command.run(Command.builtProduct(arguments[0])!, Array(arguments.dropFirst()))
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(!r.stderr.isEmpty)
    }

    struct FileCase: NamedRow {
        var name: String
        /// Makes the file in the folder and returns its path.
        var make: @Sendable (URL) throws -> String
        var expected: String
    }

    static let fileCases: [FileCase] = [
        FileCase(name: "missing", make: { $0.appendingPathComponent("absent.yaml").path }, expected: "no such file"),
        FileCase(name: "a directory", make: { $0.path }, expected: "is a directory"),
        FileCase(name: "not UTF-8", make: { folder in
            let path = folder.appendingPathComponent("latin1.yaml").path
            try Data([0x61, 0x73, 0x3a, 0x20, 0xe9, 0x0a]).write(to: URL(fileURLWithPath: path))
            return path
        }, expected: "not UTF-8 text"),
    ]

    @Test(arguments: fileCases)
    func reflectorNamesWhyItCannotReadItsFile(_ c: FileCase) throws {
        let folder = try TemporaryFolder.create("rr-file")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try c.make(folder)
        let r = try Command.run(Built.rr!, ["--config", path, "--check-config"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(path): cannot read the file: \(c.expected)"), "\(r.stderr)")
    }

    /// Root reads any file: the permission check runs the reflector as nobody.
    @Test(.enabled(if: getuid() == 0 && Command.which("setpriv") != nil, "needs root and setpriv to drop to nobody"))
    func reflectorSaysPermissionDenied() throws {
        let folder = try TemporaryFolder.create("rr-perm")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rr.yaml").path
        try Self.rrYAML.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        chmod(folder.path, 0o755)
        let r = try Command.run(Command.which("setpriv")!, ["--reuid=65534", "--regid=65534", "--clear-groups", Built.rr!, "--config", path, "--check-config"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("permission denied"), "\(r.stderr)")
    }

    /// A YAML error gives the problem with where it is (line and column, or byte) and never the
    /// file's raw text: no control byte from the file reaches the terminal.
    @Test func yamlErrorsNeverShowTheFilesRawText() throws {
        let text = "as: [\u{1b}]2;owned\u{07}\u{1b}[31m" + String(repeating: "x", count: 300) + "\n"
        let (path, r) = try Command.checkConfig(Built.rr!, text)
        #expect(r.status == 2)
        #expect(!r.stderr.contains("\u{1b}") && !r.stderr.contains("\u{07}"), "\(r.stderr.debugDescription)")
        #expect(r.stderr.contains("\(path): not valid YAML: control characters are not allowed at byte 5"), "\(r.stderr)")
        #expect(r.stderr.count < 400, "\(r.stderr.count) characters")
    }

    /// SIGHUP applies neighbours only: changed accept and timers are named
    /// as needing a restart. With --neighbor on the command line SIGHUP
    /// reloads nothing, and the log says so at start and at each SIGHUP.
    @Test func reflectorReloadSaysWhatNeedsARestart() async throws {
        let folder = try TemporaryFolder.create("rr-hup")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rr.yaml").path
        let port = freeLoopbackPort()
        let base = Self.rrYAML + "listen: 127.0.0.1:\(port)\nadmin: {address: \(folder.appendingPathComponent("rr.sock").path)}\n"
        try (base + "accept: [127.91.0.0/16]\ntimers: {hold: 90}\n").write(toFile: path, atomically: true, encoding: .utf8)
        let rr = try Daemon([Built.rr!, "--config", path], log: folder.appendingPathComponent("rr.log"))
        defer { rr.stop() }
        #expect(await eventually(10, every: .milliseconds(100)) { rr.output.contains("admin API listening") }, "\(rr.output)")
        try (base + "accept: [127.92.0.0/16]\ntimers: {hold: 30}\nneighbors: [{address: 127.93.0.1, passive: true}]\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        kill(rr.pid, SIGHUP)
        #expect(await eventually(10, every: .milliseconds(100)) {
            rr.output.contains("changes that need a restart are not applied") && rr.output.contains("settings=accept, timers")
                && rr.output.contains("neighbours=1")
        }, "\(rr.output)")

        let fixed = try Daemon([Built.rr!, "--config", path, "--listen", "127.0.0.1:\(freeLoopbackPort())", "--neighbor", "127.93.0.2",
                                "--admin-socket", folder.appendingPathComponent("rr2.sock").path],
                               log: folder.appendingPathComponent("rr2.log"))
        defer { fixed.stop() }
        #expect(await eventually(10, every: .milliseconds(100)) { fixed.output.contains("admin API listening") }, "\(fixed.output)")
        #expect(fixed.output.contains("SIGHUP will not reload: --neighbor on the command line fixes the neighbours"), "\(fixed.output)")
        kill(fixed.pid, SIGHUP)
        #expect(await eventually(10, every: .milliseconds(100)) { fixed.output.contains("SIGHUP ignored: --neighbor on the command line") },
                "\(fixed.output)")
    }

    /// A listener that cannot bind names itself and its address: the
    /// reflector's and the agent's BGP listeners, the agent's controller,
    /// and the metrics listener (logged; the daemon runs on without it).
    @Test func listenersInUseAreNamed() async throws {
        let folder = try TemporaryFolder.create("in-use")
        defer { try? FileManager.default.removeItem(at: folder) }
        let busy = try Daemon([Built.rr!, "--as", "65000", "--router-id", "10.0.0.1", "--listen", "127.0.0.1:0",
                               "--admin-socket", folder.appendingPathComponent("busy.sock").path, "--metrics", "127.0.0.1:0"],
                              log: folder.appendingPathComponent("busy.log"))
        defer { busy.stop() }
        // A port held by a live listener: the first reflector's metrics listener.
        #expect(await eventually(10, every: .milliseconds(100)) { busy.output.contains("metrics listening") }, "\(busy.output)")
        let held = try #require(busy.output.firstMatch(of: /address=127\.0\.0\.1:(\d+) paths=/).map { String($0.output.1) }, "\(busy.output)")

        let rr = try Command.run(Built.rr!, ["--as", "65000", "--router-id", "10.0.0.1", "--listen", "127.0.0.1:\(held)",
                                             "--admin-socket", folder.appendingPathComponent("rr.sock").path])
        #expect(rr.status == 1 && rr.stderr.contains("BGP listener on 127.0.0.1:\(held): "), "\(rr.stderr)")

        let config = folder.appendingPathComponent("agent.yaml").path
        func agent(controller: String, bgp: String, metrics: String) throws -> String {
            try """
                vtep: 127.0.0.1
                as: 65000
                controller: {listen: '\(controller)'}
                bgp-listen: '\(bgp)'
                route-reflectors: [{address: 127.0.0.1, port: 1}]
                metrics: '\(metrics)'
                admin: {address: \(folder.appendingPathComponent("agent.sock").path)}
                bridges: [{name: br0, vxlan-port: 100}]
                vnis: [{vni: 10}]
                """.write(toFile: config, atomically: true, encoding: .utf8)
            return config
        }
        let controllerBusy = try Command.run(Built.agent!, ["--config", try agent(controller: "127.0.0.1:\(held)", bgp: "127.0.0.1:0", metrics: "127.0.0.1:0")])
        #expect(controllerBusy.status == 1 && controllerBusy.stderr.contains("controller listener on 127.0.0.1:\(held): "), "\(controllerBusy.stderr)")
        let bgpBusy = try Command.run(Built.agent!, ["--config", try agent(controller: "127.0.0.1:0", bgp: "127.0.0.1:\(held)", metrics: "127.0.0.1:0")])
        #expect(bgpBusy.status == 1 && bgpBusy.stderr.contains("BGP listener on 127.0.0.1:\(held): "), "\(bgpBusy.stderr)")
        let metricsBusy = try Daemon([Built.agent!, "--config", try agent(controller: "127.0.0.1:0", bgp: "127.0.0.1:0", metrics: "127.0.0.1:\(held)")],
                                     log: folder.appendingPathComponent("agent.log"))
        defer { metricsBusy.stop() }
        #expect(await eventually(10, every: .milliseconds(100)) {
            metricsBusy.output.contains("metrics listener cannot listen") && metricsBusy.output.contains("metrics listener on 127.0.0.1:\(held): ")
        }, "\(metricsBusy.output)")
        #expect(metricsBusy.isRunning)
    }

    /// An agent whose OVSDB socket and route reflector do not answer and
    /// whose switch never connects: /healthz (metrics listener and admin
    /// API) answers 503 naming each, and the log warns about each after
    /// the grace, while the agent runs on.
    @Test func unreachableOVSDBAndReflectorMakeTheAgentUnhealthy() async throws {
        let folder = try TemporaryFolder.create("unhealthy")
        defer { try? FileManager.default.removeItem(at: folder) }
        let metrics = freeLoopbackPort()
        let socket = folder.appendingPathComponent("agent.sock").path
        let config = folder.appendingPathComponent("agent.yaml").path
        try """
            vtep: 127.0.0.1
            as: 65000
            controller: {listen: '127.0.0.1:\(freeLoopbackPort())'}
            bgp-listen: '127.0.0.1:0'
            route-reflectors: [{address: 127.0.0.1, port: \(freeLoopbackPort())}]
            metrics: '127.0.0.1:\(metrics)'
            admin: {address: \(socket)}
            bridges: [{name: br0, vxlan-port: 100, ovsdb: 'unix:\(folder.appendingPathComponent("absent-db.sock").path)'}]
            vnis: [{vni: 10}]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let agent = try Daemon([Built.agent!, "--config", config], log: folder.appendingPathComponent("agent.log"))
        defer { agent.stop() }
        let warned = await eventually(25, every: .milliseconds(200)) {
            ["unhealthy: ovsdb br0", "unhealthy: bgp 127.0.0.1", "unhealthy: switch br0"].allSatisfy(agent.output.contains)
        }
        #expect(warned, "\(agent.output.suffix(3000))")
        #expect(agent.output.contains("warning") && agent.output.contains("detail=disconnected:"), "\(agent.output.suffix(2000))")
        for address in [AdminAddress.tcp(host: "127.0.0.1", port: metrics), .unix(path: socket)] {
            // Raw: `get` throws on a non-2xx answer, and 503 is the answer here.
            let response = try AdminClient(address: address).exchange(Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(response.status == 503, "\(address)")
            let report = try JSONDecoder().decode(HealthReport.self, from: Data(response.body))
            #expect(!report.ready)
            let failing = Set(report.problems.map(\.name))
            #expect(failing.isSuperset(of: ["ovsdb br0", "bgp 127.0.0.1", "switch br0"]), "\(report.problems)")
            #expect(report.problems.first { $0.kind == "ovsdb" }?.detail.contains("absent-db.sock") == true, "\(report.problems)")
        }
        #expect(agent.isRunning)
    }
}
