import BGP
import Foundation
import Testing
import TestSupport

/// `swiftplane-rr --config FILE --check-config`: bad files are refused with
/// the file, the field path and the value, exit status 2; the examples pass.
@Suite(.enabled(if: Command.builtProduct("swiftplane-rr") != nil, "swiftplane-rr not built (swift build --build-tests builds it)"))
struct ConfigurationFileTests {
    static let binary = Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr"
    static let head = "as: 65000\nrouter-id: 10.0.0.1\n"

    struct Bad: Sendable, CustomStringConvertible {
        var yaml: String
        /// What stderr must say after "FILE: ".
        var message: String
        var description: String { message }
    }

    static let bad: [Bad] = [
        Bad(yaml: "as: 0\nrouter-id: 10.0.0.1\n", message: "as: invalid value '0': expected an integer 1-4294967295"),
        Bad(yaml: "as: sixty\nrouter-id: 10.0.0.1\n", message: "as: invalid value 'sixty'"),
        Bad(yaml: "as: 65000\nrouter-id: 10.0.0\n", message: "router-id: invalid value '10.0.0': expected an IPv4 address"),
        Bad(yaml: head + "cluster-id: 300.1.1.1\n", message: "cluster-id: invalid value '300.1.1.1'"),
        Bad(yaml: head + "listen: localhost\n", message: "listen: invalid value 'localhost'"),
        Bad(yaml: head + "accept: [10.0.0.0/8, 10.0.0.0/33]\n", message: "accept[1]: invalid value '10.0.0.0/33'"),
        Bad(yaml: head + "accept: 10.0.0.0/8\n", message: "accept: invalid value '10.0.0.0/8': expected a list"),
        Bad(yaml: head + "neighbors:\n  - {address: 10.0.0.2}\n  - {address: 10.0.0.3, port: 70000}\n",
            message: "neighbors[1].port: invalid value '70000'"),
        Bad(yaml: head + "neighbors:\n  - {address: 10.0.0.2, passive: maybe}\n", message: "neighbors[0].passive: invalid value 'maybe': expected true or false"),
        Bad(yaml: head + "neighbors:\n  - {port: 179}\n", message: "neighbors[0].address: missing required field"),
        // A TCP MD5 password is never echoed back.
        Bad(yaml: head + "neighbors:\n  - {address: 10.0.0.2, password: \"\(String(repeating: "k", count: 81))\"}\n",
            message: "neighbors[0].password: invalid value '(hidden, 81 octets)': at most 80 octets"),
        Bad(yaml: head + "neighbors:\n  - {address: 10.0.0.2, password: 1234}\n",
            message: "neighbors[0].password: invalid value '(hidden)': expected a non-empty string"),
        Bad(yaml: head + "accept:\n  - {prefix: 10.0.0.0/8, password: 1234}\n",
            message: "accept[0].password: invalid value '(hidden)': expected a non-empty string"),
        Bad(yaml: head + "accept:\n  - {prefix: 10.0.0.0/8, pasword: s3cret}\n",
            message: "accept[0].pasword: invalid value '(hidden)': unknown field; did you mean 'password'? known: password, prefix"),
        Bad(yaml: head + "accept:\n  - {password: s3cret}\n",
            message: "accept[0].prefix: missing required field"),
        Bad(yaml: head + "accept:\n  - {prefix: 10.0.0.0/40, password: s3cret}\n",
            message: "accept[0].prefix: invalid value '10.0.0.0/40': expected an IPv4 or IPv6 prefix"),
        Bad(yaml: head + "accept: [fd00:9::/129]\n", message: "accept[0]: invalid value 'fd00:9::/129': expected an IPv4 or IPv6 prefix"),
        Bad(yaml: head + "listen: '::1:179'\n", message: "listen: invalid value '::1:179': expected IPV4:PORT or [IPV6]:PORT"),
        Bad(yaml: head + "listen: '[::1]'\n", message: "listen: invalid value '[::1]'"),
        Bad(yaml: head + "listen: '[10.0.0.1]:179'\n", message: "listen: invalid value '[10.0.0.1]:179'"),
        Bad(yaml: head + "neighbors:\n  - {address: 'fd00:9::zz'}\n", message: "neighbors[0].address: invalid value 'fd00:9::zz': expected an IP address"),
        Bad(yaml: head + "timers: {hold: 2}\n", message: "timers.hold: invalid value '2': must be 0 or 3-65535"),
        Bad(yaml: head + "timers: {hold: 9, keepalive: 9}\n", message: "timers.keepalive: invalid value '9': must be less than timers.hold (9)"),
        Bad(yaml: head + "timers: {keepalive-ish: 3}\n", message: "timers.keepalive-ish: invalid value '3': unknown field"),
        Bad(yaml: head + "max-prefixes: -1\n", message: "max-prefixes: invalid value '-1'"),
        Bad(yaml: head + "max-peers: lots\n", message: "max-peers: invalid value 'lots'"),
        Bad(yaml: head + "max-output-queue: 1000\n", message: "max-output-queue: invalid value '1000'"),
        Bad(yaml: head + "graceful-restart: {enabled: true, restart-time: 5000}\n",
            message: "graceful-restart.restart-time: invalid value '5000': expected an integer 0-4095"),
        Bad(yaml: head + "graceful-restart: {enabled: true, selection-deferral-time: -1}\n",
            message: "graceful-restart.selection-deferral-time: invalid value '-1': expected an integer 0-3600"),
        Bad(yaml: head + "log-level: loud\n", message: "log-level: invalid value 'loud'"),
        Bad(yaml: head + "route-target-constraint: maybe\n", message: "route-target-constraint: invalid value 'maybe': expected true or false"),
        Bad(yaml: head + "routerid: 10.0.0.2\n", message: "routerid: invalid value '10.0.0.2': unknown field; did you mean 'router-id'?"),
        Bad(yaml: head + "bmp: collector.example\n", message: "bmp: invalid value 'collector.example': expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535"),
        Bad(yaml: head + "mrt: {directory: mrt}\n", message: "mrt.directory: invalid value 'mrt': expected an absolute folder path"),
        Bad(yaml: head + "mrt: {directory: /tmp/mrt, files: 0}\n", message: "mrt.files: invalid value '0': expected an integer 1-100000"),
        Bad(yaml: "- 1\n- 2\n", message: "invalid value '[1, 2]': expected a mapping, found a list"),
        Bad(yaml: "as: [1\n", message: "not valid YAML: did not find expected ',' or ']' at line 2 column 1"),
        // Found by ConfigurationFuzzer: Yams trapped on a key that is a list.
        Bad(yaml: "as: 65000\n? [a]\n: b\n", message: "a key must be a plain name"),
    ]

    @Test(arguments: bad)
    func badConfigurationNamesFileFieldAndValue(_ row: Bad) throws {
        let (file, r) = try Command.checkConfig(Self.binary, row.yaml)
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(file): \(row.message)"), "stderr: \(r.stderr)")
    }

    /// Aliases that expand past any real file ("billion laughs"): found by
    /// ConfigurationFuzzer's inputs' shape, the reflector hung building 10^9
    /// values. The reader walks nodes as Yams composes them (aliases shared)
    /// and shows a value cut at 80 characters, so a bomb read through a field
    /// is refused at once; `timeout` turns a hang into a failure.
    static let aliasBombs: [Bad] = [
        // Nine levels of ten aliases each: 10^9 values from a kilobyte, read through a field.
        Bad(yaml: head + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + (1...8).map { "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined()
            + "accept: *a8\n",
            message: "accept[0]: invalid value '[[[[[[[[x, x, x, x, x, x, x, x, x, x], [x, x, x, x, x, x, x, x, x, x], [x, x, x,...': expected a scalar, found a list"),
        // Few values, each alias one level deeper than the last.
        Bad(yaml: head + "d0: &d0 [x]\n" + (1...80).map { "d\($0): &d\($0) [*d\($0 - 1)]\n" }.joined() + "neighbors: *d80\n",
            message: "neighbors[0]: invalid value '\(String(repeating: "[", count: 80))...': expected a mapping, found a list"),
    ]

    @Test(arguments: aliasBombs)
    func aliasBombIsRefused(_ row: Bad) throws {
        let (file, r) = try Command.checkConfig(Self.binary, row.yaml, killAfter: 60)
        #expect(r.status == 2, "killed after 60 s (status 137) is the hang")
        #expect(r.stderr.contains("\(file): \(row.message)"), "stderr: \(r.stderr.prefix(300))")
    }

    /// BMP and MRT settings from the file, and the flags over them.
    @Test func bmpAndMRTSettings() throws {
        let yaml = Self.head + "bmp: 127.0.0.1:11019\nmrt: {directory: /var/tmp/mrt, file-size: 1048576, files: 3}\n"
        let (_, r) = try Command.checkConfig(Self.binary, yaml)
        #expect(r.status == 0 && r.stdout.contains(", BMP to 127.0.0.1:11019, MRT dumps in /var/tmp/mrt)"), "\(r.stdout)\(r.stderr)")
        let (_, flags) = try Command.checkConfig(Self.binary, yaml, flags: ["--bmp", "[::1]:1790", "--mrt-directory", "/srv/mrt"])
        #expect(flags.status == 0 && flags.stdout.contains(", BMP to [::1]:1790, MRT dumps in /srv/mrt)"), "\(flags.stdout)\(flags.stderr)")
    }

    @Test(arguments: ["rr.example.yaml", "rr2.example.yaml"])
    func examplesAreValid(_ name: String) throws {
        let file = Repository.root.appendingPathComponent("deploy").appendingPathComponent(name).path
        let r = try Command.run(Self.binary, ["--config", file, "--check-config"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("configuration valid (as 65000"))
    }

    /// Accept ranges as prefixes or {prefix, password}; the password is never printed.
    @Test func acceptRangesWithAndWithoutPassword() throws {
        let (_, r) = try Command.checkConfig(Self.binary, Self.head + "accept:\n  - 10.0.0.0/8\n  - {prefix: 10.1.0.0/16, password: s3cret}\n")
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("s3cret"))
    }

    /// Flags override the file; a missing file is an error naming it.
    @Test(arguments: [
        (["--router-id", "10.9.9.9"], 0, "router-id 10.9.9.9"),
        (["--as", "0"], 2, "--as"),
        ([], 0, "router-id 10.0.0.1"),
    ] as [([String], Int32, String)])
    func flagsOverrideTheFile(_ flags: [String], _ status: Int32, _ says: String) throws {
        let (_, r) = try Command.checkConfig(Self.binary, Self.head, flags: flags)
        #expect(r.status == status)
        #expect((r.stdout + r.stderr).contains(says), "\(r.stdout) \(r.stderr)")
    }

    /// Route target constraint (RFC 4684): on unless the file or the flag turns it off; the flag wins.
    @Test(arguments: [
        ("", [], "on"),
        ("route-target-constraint: false\n", [], "off"),
        ("route-target-constraint: true\n", ["--no-route-target-constraint"], "off"),
        ("route-target-constraint: false\n", ["--route-target-constraint"], "on"),
    ] as [(String, [String], String)])
    func routeTargetConstraintSwitch(_ yaml: String, _ flags: [String], _ state: String) throws {
        let (_, r) = try Command.checkConfig(Self.binary, Self.head + yaml, flags: flags)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("route target constraint \(state)"), "\(r.stdout)")
    }

    @Test func missingFileIsNamed() throws {
        let r = try Command.run(Self.binary, ["--config", "/nonexistent/rr.yaml", "--check-config"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/rr.yaml"))
    }
}

/// SIGHUP on the running daemon: the file's neighbour list is applied.
@Suite(.enabled(if: Command.builtProduct("swiftplane-rr") != nil, "swiftplane-rr not built (swift build --build-tests builds it)"))
struct ConfigurationReloadTests {
    @Test func sighupClosesTheRemovedNeighbourOnly() async throws {
        let net = UInt8.random(in: 10...250)
        let kept = IPv4Address(127, 79, net, 1), removed = IPv4Address(127, 79, net, 2)
        let port = freeLoopbackPort()
        let folder = try TemporaryFolder.create("swiftplane-rr-reload")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rr.yaml").path
        func write(_ neighbors: [IPv4Address]) throws {
            let list = neighbors.map { "  - {address: \($0), passive: true}" }.joined(separator: "\n")
            // The admin socket in the test's folder, not /run.
            let admin = "admin: {address: \(folder.appendingPathComponent("rr.sock").path)}\n"
            try ("as: 65000\nrouter-id: 127.0.0.1\nlisten: 127.0.0.1:\(port)\nlog-level: error\n" + admin + "neighbors:\n\(list)\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
        }
        try write([kept, removed])
        let process = try Daemon([ConfigurationFileTests.binary, "--config", file])
        defer { process.stop() }

        let a = await RawPeer.dial(from: kept, toPort: port, while: process)
        let pa = try #require(a, "swiftplane-rr did not listen on \(port)")
        let pb = try RawPeer(from: removed, toPort: port)
        defer { pa.close(); pb.close() }
        try await pa.establish()
        try await pb.establish()

        try write([kept])
        process.send(SIGHUP)
        guard case .notification(let n)? = try await pb.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("the removed neighbour got no NOTIFICATION after SIGHUP"); return
        }
        #expect(n.error == .cease(.peerDeconfigured))
        // The kept session is not reset: SIGTERM now reaches it with administrative shutdown, not an earlier CEASE.
        process.send(SIGTERM)
        guard case .notification(let m)? = try await pa.receive(until: { if case .notification = $0 { true } else { false } }) else {
            Issue.record("the kept neighbour got no NOTIFICATION at SIGTERM"); return
        }
        #expect(m.error == .cease(.administrativeShutdown))
    }
}
