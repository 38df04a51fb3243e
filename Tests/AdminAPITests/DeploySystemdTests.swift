import Foundation
import Testing
import TestSupport

/// The systemd files in deploy/systemd and the health check their
/// ExecStartPost runs: systemd-analyze verify accepts both units (with the
/// built binaries standing in for /usr/local/bin), sysusers makes the
/// reflector's user and the socket group in a scratch root, tmpfiles makes
/// the socket folder there; `swiftplanectl health` against a running
/// swiftplane-rr tells started from ready.
@Suite struct DeploySystemdTests {
    static let folder = Repository.root.appendingPathComponent("deploy/systemd")
    static let units = ["swiftplane-rr.service", "swiftplane-agent.service"]

    @Test(.enabled(if: Command.which("systemd-analyze") != nil && Built.rr != nil && Built.agent != nil && Built.ctl != nil,
                   "systemd-analyze or the built daemons are missing"))
    func systemdAnalyzeVerifiesTheUnits() throws {
        let scratch = try TemporaryFolder.create("units")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let built = URL(fileURLWithPath: Built.ctl!).deletingLastPathComponent().path + "/"
        for unit in Self.units {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(unit), encoding: .utf8)
            #expect(text.contains("ExecStartPost=/usr/local/bin/swiftplanectl health --socket /run/swiftplane/"), "\(unit)")
            #expect(!text.contains("DynamicUser=yes") && !text.contains("lands"), "\(unit)")
            try text.replacingOccurrences(of: "/usr/local/bin/", with: built)
                .write(to: scratch.appendingPathComponent(unit), atomically: true, encoding: .utf8)
        }
        let result = try Command.run(Command.which("systemd-analyze")!, ["verify"] + Self.units.map { scratch.appendingPathComponent($0).path })
        #expect(result.status == 0 && (result.stdout + result.stderr).isEmpty, "\(result.stdout)\(result.stderr)")
        // It does complain, so silence means something: a misspelt key is named.
        let bad = scratch.appendingPathComponent("bad.service")
        try "[Service]\nExecStart=/bin/true\nExecStartPots=/bin/true\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(try Command.run(Command.which("systemd-analyze")!, ["verify", bad.path]).stderr.contains("ExecStartPots"))
    }

    @Test(.enabled(if: Command.which("systemd-sysusers") != nil && Command.which("systemd-tmpfiles") != nil && getuid() == 0,
                   "systemd-sysusers/tmpfiles missing or not root"))
    func sysusersAndTmpfilesMakeTheUserAndTheSocketFolder() throws {
        let root = try TemporaryFolder.create("sysroot")
        defer { try? FileManager.default.removeItem(at: root) }
        for sub in ["etc", "run"] { try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true) }
        let users = try Command.run(Command.which("systemd-sysusers")!, ["--root=\(root.path)", Self.folder.appendingPathComponent("swiftplane.sysusers").path])
        #expect(users.status == 0, "\(users.stderr)")
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        let group = try String(contentsOf: root.appendingPathComponent("etc/group"), encoding: .utf8)
        #expect(passwd.contains("swiftplane-rr:x:") && passwd.contains(":/usr/sbin/nologin"), "\(passwd)")
        let socketGroup = try #require(group.split(separator: "\n").first { $0.hasPrefix("swiftplane:") }, "\(group)")
        #expect(socketGroup.hasSuffix(":swiftplane-rr"), "the reflector's user is in the socket group: \(group)")
        let files = try Command.run(Command.which("systemd-tmpfiles")!, ["--root=\(root.path)", "--create",
                                                                         Self.folder.appendingPathComponent("swiftplane.tmpfiles").path])
        #expect(files.status == 0, "\(files.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("run/swiftplane").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o770 && (attributes[.ownerAccountID] as? Int) == 0)
        #expect("\(attributes[.groupOwnerAccountID] ?? "")" == String(socketGroup.split(separator: ":")[2]), "\(attributes)")
    }

    /// What ExecStartPost waits for (any answer) and what a check wants (ready).
    @Test(.enabled(if: Built.rr != nil && Built.ctl != nil, "swiftplane-rr or swiftplanectl is not built"))
    func healthTellsStartedFromReady() async throws {
        let folder = try TemporaryFolder.create("health")
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("rr.sock").path
        // A configured neighbour that never answers: the reflector runs, not ready.
        let rr = try Daemon([Built.rr!, "--as", "65000", "--router-id", "127.0.0.1", "--listen", "127.0.0.1:\(freeLoopbackPort())",
                             "--neighbor", "127.0.0.1:\(freeLoopbackPort())", "--admin-socket", socket], log: folder.appendingPathComponent("rr.log"))
        defer { rr.stop() }
        let started = try Built.ctl(socket, ["health", "--started", "--wait", "20"])
        #expect(started.status == 0 && started.stdout.hasPrefix("not ready"), "\(started.stdout)\(started.stderr)")
        let ready = try Built.ctl(socket, ["health", "--wait", "1"])
        #expect(ready.status == 1 && ready.stdout.hasPrefix("not ready\n  bgp 127.0.0.1: "), "\(ready.stdout)\(ready.stderr)")
        let json = try Built.ctl(socket, ["health", "--json"])
        #expect(json.status == 1 && json.stdout.contains("\"ready\":false"), "\(json.stdout)")
        let absent = try Built.ctl(folder.appendingPathComponent("absent.sock").path, ["health", "--started", "--wait", "1"])
        #expect(absent.status == 1 && absent.stderr.contains("absent.sock"), "\(absent.stderr)")

        // Without neighbours nothing is owed: ready.
        let idleSocket = folder.appendingPathComponent("idle.sock").path
        let idle = try Daemon([Built.rr!, "--as", "65000", "--router-id", "127.0.0.1", "--listen", "127.0.0.1:\(freeLoopbackPort())",
                               "--admin-socket", idleSocket], log: folder.appendingPathComponent("idle.log"))
        defer { idle.stop() }
        let idleReady = try Built.ctl(idleSocket, ["health", "--wait", "20"])
        #expect(idleReady.status == 0 && idleReady.stdout == "ready\n", "\(idleReady.stdout)\(idleReady.stderr)")
    }
}
