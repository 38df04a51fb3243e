import Foundation

/// The PEM files of the controller's `ssl:` listener (mutual TLS): our
/// certificate (chain), its private key, and the CA that signs the
/// switches' certificates.
public struct ControllerTLSFiles: Hashable, Sendable {
    public var certificate: String
    public var privateKey: String
    public var caCertificate: String

    public init(certificate: String, privateKey: String, caCertificate: String) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.caCertificate = caCertificate
    }

    /// Which file cannot be used, and why: an operator fixes a path or a
    /// format, not a TLS library's error code.
    public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
        public var role: String
        public var path: String
        public var reason: String
        public var description: String { "\(role) '\(path)': \(reason)" }

        public init(role: String, path: String, reason: String) {
            self.role = role
            self.path = path
            self.reason = reason
        }
    }

    /// The PEM labels (RFC 7468) a private key file may carry: PKCS #8, and
    /// the traditional RSA and EC forms. An encrypted key cannot be used:
    /// the daemon has no passphrase to give.
    static let privateKeyLabels: Set<String> = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]

    /// Each file read and its PEM blocks (RFC 7468) checked: a certificate
    /// file and the CA file hold certificates, the key file a private key,
    /// each block base64 over a DER SEQUENCE. Whether the key belongs to the
    /// certificate is the TLS library's to say, when the listener is made.
    public func check() throws(FileError) {
        try Self.checkCertificates(certificate, role: "certificate")
        let keys = try Self.blocks(privateKey, role: "private key", what: "private key")
        if keys.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" }) {
            throw FileError(role: "private key", path: privateKey, reason: "an encrypted private key: the agent has no passphrase for it")
        }
        guard keys.contains(where: { Self.privateKeyLabels.contains($0.label) }) else {
            throw FileError(role: "private key", path: privateKey,
                            reason: "not a readable PEM private key (no \(Self.privateKeyLabels.sorted().joined(separator: ", ")) block)")
        }
        try Self.checkCertificates(caCertificate, role: "CA certificate")
    }

    private static func checkCertificates(_ path: String, role: String) throws(FileError) {
        let blocks = try blocks(path, role: role, what: "certificate file")
        guard blocks.contains(where: { $0.label == "CERTIFICATE" }) else {
            throw FileError(role: role, path: path, reason: "holds no certificate")
        }
    }

    /// A PEM block: its label and its DER bytes.
    struct Block {
        var label: String
        var der: Data
    }

    /// The blocks of a PEM file; text between blocks is allowed (RFC 7468
    /// explanatory text), a block that does not end or is not base64 is not.
    static func blocks(_ path: String, role: String, what: String) throws(FileError) -> [Block] {
        func refuse(_ reason: String) -> FileError { FileError(role: role, path: path, reason: "not a readable PEM \(what) (\(reason))") }
        guard let data = FileManager.default.contents(atPath: path) else { throw refuse("cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw refuse("not text") }
        var blocks: [Block] = []
        var open: (label: String, body: String)?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let label = label(line, "-----BEGIN ") {
                guard open == nil else { throw refuse("BEGIN \(label) inside another block") }
                open = (label, "")
            } else if let label = label(line, "-----END ") {
                guard let block = open, block.label == label else { throw refuse("END \(label) without its BEGIN") }
                guard let der = Data(base64Encoded: block.body), der.first == 0x30 else {
                    throw refuse("the \(label) block is not base64 DER")
                }
                blocks.append(Block(label: label, der: der))
                open = nil
            } else if open != nil {
                open!.body += line
            }
        }
        if let block = open { throw refuse("the \(block.label) block does not end") }
        guard !blocks.isEmpty else { throw refuse("no PEM block") }
        return blocks
    }

    /// `LABEL` of a `-----BEGIN LABEL-----` (or END) line.
    private static func label(_ line: String, _ prefix: String) -> String? {
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count >= prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }
}
