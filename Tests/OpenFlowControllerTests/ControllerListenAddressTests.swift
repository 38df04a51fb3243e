import Foundation
import NIOConcurrencyHelpers
import NIOCore
import OpenFlowController
import TestSupport
import Testing

/// The operator's text for "where the controller listens", and what the
/// controller does with a unix socket path before any switch is involved.
struct ControllerListenAddressTests {
    static let good: [(text: String, address: ControllerListenAddress, target: String)] = [
        ("127.0.0.1:6653", .tcp(host: "127.0.0.1", port: 6653), "tcp:127.0.0.1:6653"),
        ("tcp:127.0.0.1:0", .tcp(host: "127.0.0.1", port: 0), "tcp:127.0.0.1:0"),
        ("[::1]:6653", .tcp(host: "::1", port: 6653), "tcp:[::1]:6653"),
        ("[::]:6633", .tcp(host: "::", port: 6633), "tcp:[::1]:6633"),
        ("0.0.0.0:6653", .tcp(host: "0.0.0.0", port: 6653), "tcp:127.0.0.1:6653"),
        ("unix:/run/swiftplane/br0.sock", .unix(path: "/run/swiftplane/br0.sock"), "unix:/run/swiftplane/br0.sock"),
    ]

    @Test(arguments: good)
    func parses(_ case_: (text: String, address: ControllerListenAddress, target: String)) throws {
        let address = try ControllerListenAddress(parsing: case_.text)
        #expect(address == case_.address)
        #expect(address.switchTarget(tls: false) == case_.target)
        // What it prints parses back to itself (the logs and --check-config show it).
        #expect(try ControllerListenAddress(parsing: address.description) == address)
    }

    static let bad: [(text: String, reason: String)] = [
        ("", "expected HOST:PORT, [IPv6]:PORT or unix:/PATH"),
        ("6653", "expected HOST:PORT, [IPv6]:PORT or unix:/PATH"),
        ("localhost:6653", "the host must be an IP address"),
        ("127.0.0.1:6653x", "the port must be in 0...65535"),
        ("127.0.0.1:-1", "the port must be in 0...65535"),
        ("::1:6653", "an IPv6 host goes in brackets, as [::1]:6653"),
        ("[fe80::1%eth0]:6653", "the host must be an IP address"),
        ("ssl:127.0.0.1:6653", "TLS is turned on by the TLS settings, not the address: write HOST:PORT"),
        ("unix:br0.sock", "a unix socket path must be absolute"),
        ("unix:/" + String(repeating: "x", count: 200), "socket path is 201 bytes, longer than 107 (the sun_path limit)"),
    ]

    @Test(arguments: bad)
    func refuses(_ case_: (text: String, reason: String)) {
        #expect(throws: ControllerListenAddressError(text: case_.text, reason: case_.reason)) {
            try ControllerListenAddress(parsing: case_.text)
        }
    }

    /// Callers written for host/port (swiftplane-bench) keep working; setting either means TCP.
    @Test func hostAndPortAreTheTCPAddress() {
        var configuration = OpenFlowController.Configuration()
        #expect(configuration.listen == .tcp(host: "127.0.0.1", port: 6653))
        configuration.listen = .unix(path: "/tmp/x.sock")
        #expect(configuration.host == "" && configuration.port == 0)
        configuration.port = 7000
        #expect(configuration.listen == .tcp(host: "127.0.0.1", port: 7000))
        configuration.host = "::1"
        #expect(configuration.listen == .tcp(host: "::1", port: 7000))
    }

    @Test func aRegularFileAtThePathIsRefusedAndKept() async throws {
        let folder = try ShortSocketFolder()
        let path = folder.file("br0.sock")
        try "keep me".write(toFile: path, atomically: true, encoding: .utf8)
        let controller = ControllerUnixSocketOVSTests.unixController(path)
        let error = await #expect(throws: OpenFlowController.ListenError.self) { try await controller.start() }
        #expect(error?.description == "controller on unix:\(path): the path exists and is not a socket; not replacing it")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        await controller.stop()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test(.enabled(if: Command.which("openssl") != nil, "openssl is not installed"))
    func tlsOnAUnixSocketIsRefused() async throws {
        let pki = try ControllerTLSTests.PKI()
        defer { pki.remove() }
        var configuration = OpenFlowController.Configuration()
        configuration.listen = .unix(path: "/tmp/never-made.sock")
        configuration.tls = try ControllerTLS(certificate: pki.path("controller.pem"), privateKey: pki.path("controller.key"),
                                              caCertificate: pki.path("ca.pem"))
        let controller = OpenFlowController(configuration: configuration)
        let error = await #expect(throws: OpenFlowController.ListenError.self) { try await controller.start() }
        #expect(error == .tlsOnUnixSocket(path: "/tmp/never-made.sock"))
        #expect(error?.description == "controller on unix:/tmp/never-made.sock: TLS is for TCP listen addresses; a unix socket is guarded by its file mode")
        #expect(fileType("/tmp/never-made.sock") == nil)
        await controller.stop()
    }

    /// A unix socket's children get no TCP options (TCP_NODELAY would fail
    /// there): a switch connecting through the file completes its handshake
    /// and answers a request; a second start is refused; stop() removes the file.
    @Test func aSwitchCompletesItsHandshakeOverTheSocket() async throws {
        let folder = try ShortSocketFolder()
        let path = folder.file("of.sock")
        let controller = ControllerUnixSocketOVSTests.unixController(path)
        try await controller.start()
        let stop = NIOLockedValueBox(false)
        let peer = try FakePeer(unixPath: path)
        Thread { peer.serveAsSwitch(datapathID: 0x5c, received: { _ in }, stop: { stop.withLockedValue { $0 } }) }.start()
        defer { stop.withLockedValue { $0 = true } }
        let up = await nextEvent(controller.events) { if case let .up(info) = $0 { info.datapathID } else { nil } }
        #expect(up == 0x5c)
        #expect(try await controller.installedFlows(on: 0x5c).isEmpty)
        await #expect(throws: OpenFlowController.LifecycleError.self) { try await controller.start() }
        #expect(fileType(path)?.isSocket == true)
        await controller.stop()
        #expect(fileType(path) == nil)
    }
}
