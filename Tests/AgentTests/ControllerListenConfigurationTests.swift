import Foundation
import OpenFlowController
import Testing
import TestSupport
@testable import AgentConfiguration

/// The agent's `controller:` section: where the bridges connect (TCP or a
/// unix socket file), the file's mode, and TLS only on TCP. Every refusal
/// names the field and the value.
struct ControllerListenConfigurationTests {
    struct Good: CustomTestStringConvertible, Sendable {
        var section: String
        var listen: ControllerListenAddress
        var mode: UInt32
        /// What `swiftplane-agent --controller-target` prints for it.
        var target: String
        var testDescription: String { section.replacingOccurrences(of: "\n", with: " ") }
    }

    static let good: [Good] = [
        Good(section: "listen: 127.0.0.1:6653", listen: .tcp(host: "127.0.0.1", port: 6653), mode: 0o660, target: "tcp:127.0.0.1:6653"),
        Good(section: "listen: tcp:127.0.0.2:6633", listen: .tcp(host: "127.0.0.2", port: 6633), mode: 0o660, target: "tcp:127.0.0.2:6633"),
        Good(section: "listen: '[::1]:6653'", listen: .tcp(host: "::1", port: 6653), mode: 0o660, target: "tcp:[::1]:6653"),
        Good(section: "listen: 0.0.0.0:6653\n  allow-non-loopback: true", listen: .tcp(host: "0.0.0.0", port: 6653), mode: 0o660,
             target: "tcp:127.0.0.1:6653"),
        Good(section: "listen: unix:/var/run/openvswitch/swiftplane.sock", listen: .unix(path: "/var/run/openvswitch/swiftplane.sock"), mode: 0o660,
             target: "unix:/var/run/openvswitch/swiftplane.sock"),
        Good(section: "listen: unix:/var/run/openvswitch/swiftplane.sock\n  socket-mode: \"0600\"", listen: .unix(path: "/var/run/openvswitch/swiftplane.sock"),
             mode: 0o600, target: "unix:/var/run/openvswitch/swiftplane.sock"),
        Good(section: "listen: unix:/\(String(repeating: "s", count: 106))", listen: .unix(path: "/" + String(repeating: "s", count: 106)),
             mode: 0o660, target: "unix:/\(String(repeating: "s", count: 106))"),
    ]

    @Test(arguments: good)
    func acceptsListenAddress(_ case_: Good) throws {
        let config = try AgentConfiguration.parse(yaml: base + "\ncontroller:\n  " + case_.section, file: "t.yaml")
        #expect(config.controllerListen == case_.listen)
        #expect(config.controllerSocketMode == case_.mode)
        #expect(config.controllerListen.switchTarget(tls: false) == case_.target)
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var section: String
        var expected: String
        var testDescription: String { section.replacingOccurrences(of: "\n", with: " ") }
    }

    static let long = "/" + String(repeating: "s", count: 107)

    static let bad: [Bad] = [
        Bad(section: "listen: unix:run/br0.sock",
            expected: "t.yaml: controller.listen: invalid value 'unix:run/br0.sock': a unix socket path must be absolute"),
        Bad(section: "listen: 'unix:'", expected: "t.yaml: controller.listen: invalid value 'unix:': a unix socket path must be absolute"),
        Bad(section: "listen: unix:\(long)",
            // The value is cut at 80 characters in the message.
            expected: "t.yaml: controller.listen: invalid value '\(("unix:" + long).prefix(80))...': socket path is 108 bytes, longer than 107 (the sun_path limit)"),
        Bad(section: "listen: /var/run/openvswitch/swiftplane.sock",
            expected: "t.yaml: controller.listen: invalid value '/var/run/openvswitch/swiftplane.sock': expected HOST:PORT, [IPv6]:PORT or unix:/PATH"),
        Bad(section: "listen: ssl:127.0.0.1:6653",
            expected: "t.yaml: controller.listen: invalid value 'ssl:127.0.0.1:6653': TLS is turned on by the TLS settings, not the address: write HOST:PORT"),
        Bad(section: "listen: '::1:6653'",
            expected: "t.yaml: controller.listen: invalid value '::1:6653': an IPv6 host goes in brackets, as [::1]:6653"),
        Bad(section: "listen: 127.0.0.1:65536",
            expected: "t.yaml: controller.listen: invalid value '127.0.0.1:65536': the port must be in 0...65535"),
        Bad(section: "listen: '127.0.0.1:'", expected: "t.yaml: controller.listen: invalid value '127.0.0.1:': the port must be in 0...65535"),
        Bad(section: "listen: [unix:/a.sock]", expected: "t.yaml: controller.listen: invalid value '[unix:/a.sock]': expected a scalar, found a list"),
        Bad(section: "socket-mode: \"0660\"",
            expected: "t.yaml: controller.socket-mode: socket-mode is for a unix:/PATH listen address, not 127.0.0.1:6653"),
        Bad(section: "listen: unix:/run/a.sock\n  socket-mode: \"0666\"",
            expected: "t.yaml: controller.socket-mode: invalid value '0666': expected 0600 (root only) or 0660 (also the group)"),
        Bad(section: "listen: unix:/run/a.sock\n  tls:\n    certificate: /c.pem\n    private-key: /c.key\n    ca-certificate: /ca.pem",
            expected: "t.yaml: controller.tls: TLS is for TCP listen addresses; unix:/run/a.sock is guarded by its file mode (socket-mode)"),
    ]

    @Test(arguments: bad)
    func refusesListenAddress(_ case_: Bad) {
        do {
            let config = try AgentConfiguration.parse(yaml: base + "\ncontroller:\n  " + case_.section, file: "t.yaml")
            Issue.record("accepted as \(config.controllerListen)")
        } catch {
            #expect(error.description == case_.expected)
        }
    }

    /// `--controller-target` of the built agent prints what `deploy/host-setup --agent-config` hands to set-controller.
    @Test(arguments: [good[0], good[2], good[5]])
    func controllerTargetFlagPrintsTheTarget(_ case_: Good) throws {
        let agent = try #require(Command.builtProduct("swiftplane-agent"), "swiftplane-agent is not built")
        let folder = try TemporaryFolder.create("ctl-target")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("agent.yaml").path
        try (base + "\ncontroller:\n  " + case_.section).write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Command.run(agent, ["--config", path, "--controller-target"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == case_.target + "\n")
    }
}
