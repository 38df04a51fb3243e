import Foundation
import Testing
import TestSupport
@testable import AgentConfiguration

/// The controller's TLS files as the agent's file names them, checked at
/// load time (and so by --check-config) without a TLS library: real files
/// from openssl pass; a wrong kind of block, an encrypted key, a block that
/// does not end or is not base64 each fail, naming the field, the file and why.
@Suite(.enabled(if: Command.which("openssl") != nil, "openssl is not installed"))
struct ControllerTLSFilesTests {
    /// A CA, a certificate it signs with its key, an encrypted key, and broken files.
    final class Files: Sendable {
        let folder: URL

        init() throws {
            folder = try TemporaryFolder.create("tls-files")
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("ca.key"), "-out", path("ca.pem"), "-subj", "/CN=ca", "-days", "2"])
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("ctl.key"), "-out", path("ctl.pem"), "-subj", "/CN=ctl", "-days", "2"])
            try openssl(["pkey", "-in", path("ctl.key"), "-aes256", "-passout", "pass:secret", "-out", path("encrypted.key")])
            let certificate = try String(contentsOfFile: path("ctl.pem"), encoding: .utf8)
            try String(certificate.dropLast(30)).write(toFile: path("truncated.pem"), atomically: true, encoding: .utf8)
            try "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n"
                .write(toFile: path("garbled.pem"), atomically: true, encoding: .utf8)
            try "just text\n".write(toFile: path("text.pem"), atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        private func openssl(_ arguments: [String]) throws {
            let run = try Command.run("openssl", arguments)
            guard run.status == 0 else { throw FilesError(description: "openssl \(arguments.joined(separator: " ")): \(run.stderr)") }
        }
    }

    struct FilesError: Error, CustomStringConvertible { var description: String }

    struct Case: NamedRow {
        var name: String
        var certificate = "ctl.pem"
        var privateKey = "ctl.key"
        var caCertificate = "ca.pem"
        /// The field and the reason the error names; nil: accepted.
        var field: String? = nil
        var reason = ""
    }

    static let cases = [
        Case(name: "openssl's files"),
        Case(name: "a certificate as the key", privateKey: "ctl.pem", field: "private-key",
             reason: "not a readable PEM private key (no EC PRIVATE KEY, PRIVATE KEY, RSA PRIVATE KEY block)"),
        Case(name: "a key as the CA", caCertificate: "ca.key", field: "ca-certificate", reason: "holds no certificate"),
        Case(name: "an encrypted key", privateKey: "encrypted.key", field: "private-key", reason: "an encrypted private key"),
        Case(name: "a certificate cut short", certificate: "truncated.pem", field: "certificate", reason: "block does not end"),
        Case(name: "not base64", caCertificate: "garbled.pem", field: "ca-certificate", reason: "the CERTIFICATE block is not base64 DER"),
        Case(name: "no PEM block", certificate: "text.pem", field: "certificate", reason: "not a readable PEM certificate file (no PEM block)"),
    ]

    static let files = Result { try Files() }

    @Test(arguments: cases)
    func checkedAtLoad(_ c: Case) throws {
        let files = try Self.files.get()
        let yaml = base + "\ncontroller:\n  tls:\n    certificate: \(files.path(c.certificate))\n    private-key: \(files.path(c.privateKey))"
            + "\n    ca-certificate: \(files.path(c.caCertificate))"
        do {
            let configuration = try AgentConfiguration.parse(yaml: yaml, file: "t.yaml")
            #expect(c.field == nil, "accepted: \(c.name)")
            #expect(configuration.controllerTLS?.privateKey == files.path(c.privateKey))
        } catch {
            guard let field = c.field else { Issue.record("refused: \(error)"); return }
            #expect(error.description.hasPrefix("t.yaml: controller.tls.\(field): "), "\(error.description)")
            #expect(error.description.contains(c.reason), "\(error.description)")
        }
    }
}
