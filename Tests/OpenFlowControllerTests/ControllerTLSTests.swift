import Foundation
import NIOCore
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// `ssl:` controllers: Open vSwitch with `set-ssl` and `set-controller BR
/// ssl:...` against our listener with mutual TLS, certificates made by
/// openssl for each run. A switch must prove itself with a certificate of
/// our CA; nothing else gets an OpenFlow session.
@Suite("Controller over TLS against real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil && Command.which("openssl") != nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "openssl is not installed")))
struct ControllerTLSTests {
    /// A CA, the controller's and the switch's certificates signed by it, and
    /// a second CA with a switch certificate of its own (the impostor).
    struct PKI {
        let folder: URL
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        init() throws {
            folder = try TemporaryFolder.create("swiftplane-pki")
            try authority("ca")
            try authority("rogue-ca")
            try leaf("controller", signedBy: "ca")
            try leaf("switch", signedBy: "ca")
            try leaf("impostor", signedBy: "rogue-ca")
        }

        private func openssl(_ arguments: [String]) throws {
            let result = try Command.run("openssl", arguments)
            guard result.status == 0 else { throw PKIError(message: "openssl \(arguments.joined(separator: " ")): \(result.stderr)") }
        }

        private func authority(_ name: String) throws {
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "2", "-subj", "/CN=swiftplane test \(name)"])
        }

        private func leaf(_ name: String, signedBy ca: String) throws {
            try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
            try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                         "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2"])
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    struct PKIError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    static func controller(_ pki: PKI, in sandbox: OVSSandbox) async throws -> OpenFlowController {
        var configuration = OpenFlowController.Configuration()
        configuration.tls = try ControllerTLS(certificate: pki.path("controller.pem"), privateKey: pki.path("controller.key"),
                                              caCertificate: pki.path("ca.pem"))
        let controller = OpenFlowController(configuration: configuration)
        try await controller.start(boundSocket: try NetworkNamespace.listeningSocket(netns: sandbox.name, port: 6653))
        return controller
    }

    @Test("a switch with a certificate of our CA connects over ssl: and gets exactly its flows")
    func trustedSwitch() async throws {
        let pki = try PKI()
        defer { pki.remove() }
        try await OVSSandbox.with(hint: "tls") { sandbox in
            let controller = try await Self.controller(pki, in: sandbox)
            do {
                _ = try sandbox.vsctl("set-ssl", pki.path("switch.key"), pki.path("switch.pem"), pki.path("ca.pem"))
                try sandbox.setController("ssl:127.0.0.1:6653")
                let dpid = try #require(await nextEvent(controller.events, seconds: 15) { if case let .up(info) = $0 { info.datapathID } else { nil } })
                let flow = FlowEntry(priority: 7, match: Match([OXMField(.ethType, 0x0806)]), cookie: CookieSpace.swiftplane.cookie(9),
                                     instructions: [.applyActions([.output(port: OpenFlowPort.controller, maxLength: 0xffff)])])
                let report = try await controller.setFlows(FlowTable([flow]), on: dpid)
                #expect(report.added == 1)
                let dump = try sandbox.ofctl("--no-stats", "dump-flows", "br0").split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("cookie=") }
                #expect(dump == ["cookie=0x5350000000000009, priority=7,arp actions=CONTROLLER:65535"], "\(dump)")
                // OVS itself says the session is up, to an ssl: target (it writes is_connected every few seconds).
                let connected = await eventually(15) {
                    let row = (try? sandbox.vsctl("--columns=target,is_connected", "list", "Controller")) ?? ""
                    return row.contains("\"ssl:127.0.0.1:6653\"") && row.contains("is_connected        : true")
                }
                #expect(connected, "OVS does not report its ssl: controller connected")
            } catch {
                await controller.stop()
                throw error
            }
            await controller.stop()
        }
    }

    @Test("a switch whose certificate another CA signed never reaches the OpenFlow handshake")
    func impostorSwitch() async throws {
        let pki = try PKI()
        defer { pki.remove() }
        try await OVSSandbox.with(hint: "tls") { sandbox in
            let controller = try await Self.controller(pki, in: sandbox)
            // It trusts our CA (so it would accept us), but proves itself with the rogue CA's certificate.
            _ = try sandbox.vsctl("set-ssl", pki.path("impostor.key"), pki.path("impostor.pem"), pki.path("ca.pem"))
            try sandbox.setController("ssl:127.0.0.1:6653")
            let up = await nextEvent(controller.events, seconds: 6) { if case let .up(info) = $0 { info.datapathID } else { nil } }
            #expect(up == nil, "the impostor switch came up")
            #expect(await controller.connectedSwitches.isEmpty)
            // And it did try: OVS logs the failed handshakes.
            #expect(sandbox.vswitchdLog().contains("ssl:127.0.0.1:6653"), "OVS never tried the controller")

            // A client with no certificate at all is refused during the handshake too.
            // (TLS 1.3: the refusal is an alert after the client's last flight.
            // s_client's input stays open until the alert is in its output, at
            // most 8 s: a fixed second was too short on a busy machine.)
            let alert = "alert certificate required"
            let bare = try sandbox.exec(["bash", "-c", """
                out=$(mktemp)
                for i in $(seq 80); do grep -q '\(alert)' "$out" && break; sleep 0.1; done \\
                    | timeout 10 openssl s_client -connect 127.0.0.1:6653 -CAfile \(pki.path("ca.pem")) >"$out" 2>&1
                cat "$out"; rm -f "$out"
                """])
            #expect(bare.stdout.contains(alert), "s_client without a certificate was not refused:\n\(bare.stdout)")
            #expect(await controller.connectedSwitches.isEmpty)
            await controller.stop()
        }
    }

    @Test("unreadable or mismatched files are refused with the file and the reason")
    func badFiles() throws {
        let pki = try PKI()
        defer { pki.remove() }
        let cases: [(String, String, String, String)] = [
            (pki.path("missing.pem"), pki.path("controller.key"), pki.path("ca.pem"), "certificate '\(pki.path("missing.pem"))'"),
            (pki.path("controller.pem"), pki.path("controller.pem"), pki.path("ca.pem"), "private key '\(pki.path("controller.pem"))'"),
            (pki.path("controller.pem"), pki.path("controller.key"), pki.path("ca.key"), "CA certificate '\(pki.path("ca.key"))'"),
            (pki.path("controller.pem"), pki.path("switch.key"), pki.path("ca.pem"), "certificate and private key"),
        ]
        for (certificate, key, ca, expected) in cases {
            do {
                _ = try ControllerTLS(certificate: certificate, privateKey: key, caCertificate: ca)
                Issue.record("accepted \(certificate) \(key) \(ca)")
            } catch let error as ControllerTLS.FileError {
                #expect(error.description.hasPrefix(expected), "\(error)")
            }
        }
    }
}
