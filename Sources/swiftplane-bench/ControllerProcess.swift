import Foundation
import OpenFlowController

/// A controller under test in a child process, stopped by its pid.
final class ControllerProcess {
    enum Failure: Error, CustomStringConvertible {
        case notListening(String, ControllerListenAddress)
        case tcpOnly(String)
        var description: String {
            switch self {
            case let .notListening(what, endpoint): "\(what) did not listen on \(endpoint) within 20 s"
            case let .tcpOnly(what): "\(what) listens on TCP only"
            }
        }
    }

    let process = Process()
    let endpoint: ControllerListenAddress
    /// Folders made for the child (the os-ken app, a unix socket's), removed at stop.
    private var scratch: [URL] = []

    private init(executable: String, arguments: [String], endpoint: ControllerListenAddress) throws {
        self.endpoint = endpoint
        if case let .unix(path) = endpoint { scratch.append(URL(fileURLWithPath: path).deletingLastPathComponent()) }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Nobody reads a controller's logs during the run (os-ken logs every
        // packet-in): a pipe would fill and stall it, /dev/null never does.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Our controller: `swiftplane-bench openflow --serve-only`.
    static func swiftplane(endpoint: ControllerListenAddress, path: LearningSwitchServer.Path, threads: Int) throws -> ControllerProcess {
        try ControllerProcess(executable: ownExecutable, arguments: ["openflow", "--serve-only", "--listen", "\(endpoint)",
                                                                     "--packet-in-path", path.rawValue, "--controller-threads", "\(threads)"],
                              endpoint: endpoint)
    }

    /// The learning switch on a bare epoll loop: `swiftplane-bench openflow --serve-only --bare`.
    static func bare(endpoint: ControllerListenAddress) throws -> ControllerProcess {
        try ControllerProcess(executable: ownExecutable, arguments: ["openflow", "--serve-only", "--bare", "--listen", "\(endpoint)"],
                              endpoint: endpoint)
    }

    private static var ownExecutable: String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        return FileManager.default.isExecutableFile(atPath: me) ? me : "/proc/self/exe"
    }

    /// os-ken (Debian: python3-os-ken) running `OsKenLearningSwitch`.
    static func osKen(endpoint: ControllerListenAddress) throws -> ControllerProcess {
        guard case let .tcp(host, port) = endpoint else { throw Failure.tcpOnly("os-ken") }
        guard let manager = which("osken-manager") else { throw ToolMissing(name: "osken-manager (apt-get install python3-os-ken)") }
        let app = try OsKenLearningSwitch.write()
        do {
            let child = try ControllerProcess(executable: manager, arguments: ["--ofp-listen-host", host, "--ofp-tcp-listen-port",
                                                                               "\(port)", app.path], endpoint: endpoint)
            child.scratch.append(app.deletingLastPathComponent())
            return child
        } catch {
            try? FileManager.default.removeItem(at: app.deletingLastPathComponent())
            throw error
        }
    }

    /// Somewhere free to listen: a free port on 127.0.0.1, or a socket in a new folder under /tmp.
    static func freeEndpoint(_ transport: OpenFlowBench.Transport) throws -> ControllerListenAddress {
        switch transport {
        case .tcp:
            guard let port = freePort() else { throw SocketError("bind 127.0.0.1:0", EADDRNOTAVAIL) }
            return .tcp(host: "127.0.0.1", port: port)
        case .unix:
            var template = Array("/tmp/swiftplane-bench-XXXXXX".utf8CString)
            let folder: String? = template.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
                return String(cString: base)
            }
            guard let folder else { throw SocketError("mkdtemp /tmp/swiftplane-bench-XXXXXX", errno) }
            return .unix(path: folder + "/openflow.sock")
        }
    }

    struct ToolMissing: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) is not installed" }
    }

    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Waits until the endpoint accepts a connection (the connection is closed at once).
    func waitListening(_ what: String) async throws {
        let end = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < end {
            guard process.isRunning else { break }
            if (try? StreamSocket.connect(to: endpoint)) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw Failure.notListening(what, endpoint)
    }

    /// SIGTERM, then SIGKILL after two seconds, then reaped.
    func stop() {
        defer {
            for folder in scratch { try? FileManager.default.removeItem(at: folder) }
            scratch = []
        }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let end = Date().addingTimeInterval(2)
        while process.isRunning, Date() < end { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// A port free on 127.0.0.1 now (bound to 0, read back, released).
    static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafeMutablePointer(to: &address, {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }) == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
