import Foundation
import Testing
import TestSupport

/// `--check-config` of both daemons on bad admin settings (and a few of the
/// older fields, through the built binaries): exit 2, and a message with
/// the file, the field path and the reason. Good ones print the admin address.
@Suite(.enabled(if: Built.rr != nil && Built.agent != nil, "swiftplane-rr and swiftplane-agent not built (swift build)"))
struct CheckConfigTests {
    enum Daemon: String, Sendable { case rr, agent }

    struct Case: Sendable, CustomStringConvertible {
        var daemon: Daemon
        var yaml: String
        var arguments: [String] = []
        /// Standard error must contain this, with FILE standing for the file's path.
        var message: String
        var description: String { "\(daemon): \(message)" }
    }

    static let rr = "as: 65000\nrouter-id: 10.0.0.1\n"
    static let agent = "vtep: 10.0.0.1\nas: 65000\nbridges:\n  - name: br0\n    vxlan-port: 100\nvnis:\n  - vni: 10\n"

    static let bad: [Case] = [
        Case(daemon: .rr, yaml: rr + "admin: {address: 10.0.0.1:9179}\n",
             message: "FILE: admin.address: invalid value '10.0.0.1:9179': not a loopback address: the admin API has no authentication; allow it explicitly to listen there"),
        Case(daemon: .rr, yaml: rr + "admin: {address: '0.0.0.0:9179'}\n", message: "FILE: admin.address: invalid value '0.0.0.0:9179': not a loopback address"),
        Case(daemon: .rr, yaml: rr + "admin: {address: 'localhost:9179'}\n",
             message: "FILE: admin.address: invalid value 'localhost:9179': the host must be an IPv4 or IPv6 address literal"),
        Case(daemon: .rr, yaml: rr + "admin: {address: '127.0.0.1:99999'}\n",
             message: "FILE: admin.address: invalid value '127.0.0.1:99999': expected a socket path or HOST:PORT with a port 0-65535"),
        Case(daemon: .rr, yaml: rr + "admin: {address: /run/x.sock, socket-mode: '0777'}\n",
             message: "FILE: admin.socket-mode: invalid value '0777': expected 0600 (root only) or 0660 (also the group)"),
        Case(daemon: .rr, yaml: rr + "admin: {adress: /run/x.sock}\n",
             message: "FILE: admin.adress: invalid value '/run/x.sock': unknown field; did you mean 'address'? known: address, allow-non-loopback, socket-mode"),
        Case(daemon: .rr, yaml: rr + "admin: {address: '10.0.0.1:9179', allow-non-loopback: perhaps}\n",
             message: "FILE: admin.allow-non-loopback: invalid value 'perhaps': expected true or false"),
        Case(daemon: .rr, yaml: rr + "admin: /run/x.sock\n", message: "FILE: admin: invalid value '/run/x.sock': expected a mapping"),
        Case(daemon: .rr, yaml: rr, arguments: ["--admin-socket", "192.168.1.1:80"],
             message: "--admin-socket: invalid admin address '192.168.1.1:80': not a loopback address"),
        Case(daemon: .agent, yaml: agent + "admin:\n  address: 10.1.2.3:9179\n",
             message: "FILE: admin.address: invalid value '10.1.2.3:9179': not a loopback address"),
        Case(daemon: .agent, yaml: agent + "admin:\n  address: ''\n", message: "FILE: admin.address: invalid value '': expected a socket path"),
        Case(daemon: .agent, yaml: agent + "admin:\n  address: '::1:9180'\n",
             message: "FILE: admin.address: invalid value '::1:9180': an IPv6 host goes in brackets: [IPV6]:PORT"),
        Case(daemon: .agent, yaml: agent + "admin:\n  address: /" + String(repeating: "s", count: 110) + "\n",
             message: "FILE: admin.address: invalid value '/sss"),
        Case(daemon: .agent, yaml: agent + "admin:\n  socket-mode: 0644\n",
             message: "FILE: admin.socket-mode: invalid value '0644': expected 0600 (root only) or 0660 (also the group)"),
        Case(daemon: .agent, yaml: agent + "admin:\n  listen: 127.0.0.1:1\n", message: "FILE: admin.listen: invalid value '127.0.0.1:1': unknown field; known: address, allow-non-loopback, socket-mode"),
        Case(daemon: .agent, yaml: agent + "admin:\n  allow-non-loopback: yes-please\n",
             message: "FILE: admin.allow-non-loopback: invalid value 'yes-please': expected true or false"),
        Case(daemon: .agent, yaml: agent + "admin: [1]\n", message: "FILE: admin: invalid value '[1]': expected a mapping, found a list"),
        Case(daemon: .agent, yaml: agent, arguments: ["--admin-socket", "[::]:9179"],
             message: "--admin-socket: invalid admin address '[::]:9179': not a loopback address"),
        // Plain TCP off loopback needs the opt-in, as the admin API does.
        Case(daemon: .agent, yaml: agent + "controller:\n  listen: 0.0.0.0:6653\n",
             message: "FILE: controller.listen: invalid value '0.0.0.0:6653': not a loopback address: plain TCP to the controller has no authentication; allow it explicitly"),
        Case(daemon: .agent, yaml: agent, arguments: ["--log-level", "loud"],
             message: "--log-level: invalid value 'loud': expected one of trace, debug, info, notice, warning, error, critical"),
        Case(daemon: .agent, yaml: agent.replacingOccurrences(of: "as: 65000", with: "as: 0"),
             message: "FILE: as: invalid value '0': expected the AS number, an integer 1-4294967295"),
        // The metrics listener: TCP, an address literal and a port.
        Case(daemon: .rr, yaml: rr + "metrics: /run/m.sock\n",
             message: "FILE: metrics: invalid value '/run/m.sock': the metrics listener is TCP: expected HOST:PORT such as 127.0.0.1:9179"),
        Case(daemon: .rr, yaml: rr + "metrics: 'localhost:9179'\n", message: "FILE: metrics: invalid value 'localhost:9179': the host must be an IPv4 or IPv6 address literal"),
        Case(daemon: .rr, yaml: rr, arguments: ["--metrics", "127.0.0.1"], message: "--metrics: invalid metrics address '127.0.0.1': expected HOST:PORT with a port 0-65535"),
        Case(daemon: .agent, yaml: agent + "metrics: unix:/run/m.sock\n", message: "FILE: metrics: invalid value 'unix:/run/m.sock': the metrics listener is TCP"),
        Case(daemon: .agent, yaml: agent + "metrics: '127.0.0.1:70000'\n", message: "FILE: metrics: invalid value '127.0.0.1:70000'"),
        Case(daemon: .agent, yaml: agent, arguments: ["--metrics", "box:1"], message: "--metrics: invalid metrics address 'box:1': the host must be an IPv4 or IPv6 address literal"),
    ]

    static func run(_ c: Case) throws -> (CommandResult, String) {
        let (file, r) = try Command.checkConfig(c.daemon == .rr ? Built.rr! : Built.agent!, c.yaml, flags: c.arguments)
        return (r, file)
    }

    @Test(arguments: bad)
    func badAdminSettingsAreRefusedWithFileFieldAndReason(_ c: Case) throws {
        let (r, file) = try Self.run(c)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains(c.message.replacingOccurrences(of: "FILE", with: file)), "\(r.stderr)")
    }

    static let good: [Case] = [
        Case(daemon: .rr, yaml: rr, message: "admin API on /run/swiftplane/rr.sock"),
        Case(daemon: .rr, yaml: rr + "admin: {address: '127.0.0.1:9179', socket-mode: 0660}\n", message: "admin API on 127.0.0.1:9179"),
        Case(daemon: .rr, yaml: rr + "admin: {address: '10.0.0.1:9179', allow-non-loopback: true}\n", message: "admin API on 10.0.0.1:9179"),
        Case(daemon: .rr, yaml: rr, arguments: ["--admin-socket", "/tmp/x/rr.sock"], message: "admin API on /tmp/x/rr.sock"),
        // A limit for every peer (accept-range ones are anyone in the range) unless 0 says none.
        Case(daemon: .rr, yaml: rr, message: "max-prefixes 500000 per peer"),
        Case(daemon: .rr, yaml: rr + "max-prefixes: 0\n", message: "max-prefixes no limit"),
        Case(daemon: .rr, yaml: rr + "max-prefixes: 70\n", arguments: ["--max-prefixes", "20"], message: "max-prefixes 20 per peer"),
        Case(daemon: .agent, yaml: agent, message: "admin API on /run/swiftplane/agent.sock"),
        Case(daemon: .agent, yaml: agent + "admin:\n  address: '[::1]:9180'\n  socket-mode: '0660'\n", message: "admin API on [::1]:9180"),
        Case(daemon: .agent, yaml: agent, arguments: ["--admin-socket", "unix:/tmp/y.sock"], message: "admin API on /tmp/y.sock"),
        // Metrics off by default (nothing said), on when named; off loopback allowed (read-only, nothing secret).
        Case(daemon: .rr, yaml: rr + "metrics: 127.0.0.1:9179\n", message: "admin API on /run/swiftplane/rr.sock, metrics on 127.0.0.1:9179)"),
        Case(daemon: .rr, yaml: rr, arguments: ["--metrics", "0.0.0.0:9179"], message: "metrics on 0.0.0.0:9179)"),
        Case(daemon: .agent, yaml: agent + "metrics: '[::1]:9179'\n", message: "metrics on [::1]:9179)"),
        Case(daemon: .agent, yaml: agent + "metrics: 127.0.0.1:9179\n", arguments: ["--metrics", "10.0.0.1:9100"], message: "metrics on 10.0.0.1:9100)"),
        // The BMP collector: an IPv6 host in brackets.
        Case(daemon: .agent, yaml: agent + "route-reflectors:\n  - address: 10.0.0.254\nbmp: '[::1]:11019'\n", message: "BMP to [::1]:11019)"),
        Case(daemon: .agent, yaml: agent + "route-reflectors:\n  - address: 10.0.0.254\nbmp: 127.0.0.1:11019\n", message: "BMP to 127.0.0.1:11019)"),
    ]

    @Test(arguments: good)
    func goodAdminSettingsAreShown(_ c: Case) throws {
        let (r, _) = try Self.run(c)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(c.message), "\(r.stdout)")
    }
}
