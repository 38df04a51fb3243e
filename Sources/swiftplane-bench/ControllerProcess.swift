import Foundation

/// A controller under test in a child process, stopped by its pid.
final class ControllerProcess {
    enum Failure: Error, CustomStringConvertible {
        case notListening(String, port: Int)
        var description: String {
            switch self {
            case let .notListening(what, port): "\(what) did not listen on 127.0.0.1:\(port) within 20 s"
            }
        }
    }

    let process = Process()
    let port: Int
    /// A folder made for the child (the os-ken app), removed at stop.
    private var scratch: URL?

    private init(executable: String, arguments: [String], port: Int) throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Nobody reads a controller's logs during the run (os-ken logs every
        // packet-in): a pipe would fill and stall it, /dev/null never does.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Our controller: `swiftplane-bench openflow --serve-only` on a free port.
    static func swiftplane(port: Int, path: LearningSwitchServer.Path, threads: Int) throws -> ControllerProcess {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let executable = FileManager.default.isExecutableFile(atPath: me) ? me : "/proc/self/exe"
        return try ControllerProcess(executable: executable, arguments: ["openflow", "--serve-only", "--listen", "127.0.0.1:\(port)",
                                                                 "--packet-in-path", path.rawValue, "--controller-threads", "\(threads)"],
                                     port: port)
    }

    /// os-ken (Debian: python3-os-ken) running `OsKenLearningSwitch`.
    static func osKen(port: Int) throws -> ControllerProcess {
        guard let manager = which("osken-manager") else { throw ToolMissing(name: "osken-manager (apt-get install python3-os-ken)") }
        let app = try OsKenLearningSwitch.write()
        do {
            let child = try ControllerProcess(executable: manager, arguments: ["--ofp-listen-host", "127.0.0.1", "--ofp-tcp-listen-port",
                                                                               "\(port)", app.path], port: port)
            child.scratch = app.deletingLastPathComponent()
            return child
        } catch {
            try? FileManager.default.removeItem(at: app.deletingLastPathComponent())
            throw error
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

    /// Waits until the port accepts a TCP connection (the connection is closed at once).
    func waitListening(_ what: String) async throws {
        let end = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < end {
            guard process.isRunning else { break }
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw Failure.notListening(what, port: port)
    }

    /// SIGTERM, then SIGKILL after two seconds, then reaped.
    func stop() {
        if let scratch { try? FileManager.default.removeItem(at: scratch); self.scratch = nil }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let end = Date().addingTimeInterval(2)
        while process.isRunning, Date() < end { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

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
