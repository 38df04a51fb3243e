import ConfigurationValues
import NIOSSL

/// The `ssl:` side of the controller: TLS with mutual authentication, as
/// `ovs-vsctl set-controller BR ssl:HOST:PORT` with `ovs-vsctl set-ssl KEY
/// CERT CACERT` expects. A switch must present a certificate signed by the
/// configured CA; one without gets no OpenFlow session at all.
public struct ControllerTLS: Sendable {
    /// Which file could not be used, and why (the configuration's own type:
    /// its loader checks the files' PEM blocks, this the TLS library's view).
    public typealias FileError = ControllerTLSFiles.FileError

    public let context: NIOSSLContext

    /// PEM files: our certificate (chain), its private key, and the CA that
    /// signs the switches' certificates.
    public init(certificate: String, privateKey: String, caCertificate: String) throws {
        let chain = try Self.certificates(certificate, role: "certificate")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        } catch {
            throw FileError(role: "private key", path: privateKey, reason: "not a readable PEM private key (\(error))")
        }
        let authorities = try Self.certificates(caCertificate, role: "CA certificate")
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key),
            trustRoots: .certificates(authorities))
        configuration.minimumTLSVersion = .tlsv12
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw FileError(role: "certificate and private key", path: "\(certificate), \(privateKey)",
                            reason: "cannot be used together (\(error))")
        }
    }

    private static func certificates(_ path: String, role: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw FileError(role: role, path: path, reason: "not a readable PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else { throw FileError(role: role, path: path, reason: "holds no certificate") }
        return certificates
    }

    func handler() -> NIOSSLServerHandler { NIOSSLServerHandler(context: context) }
}
