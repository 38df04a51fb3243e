import Foundation

/// A private gobgpd for one test: its own config in a temporary folder, a
/// 127.x address (or one inside `netns`), no BGP listener (port -1), an API
/// port of its own. Stopped by its pid in `stop()`, which the test calls in
/// a `defer`.
public final class GoBGPDaemon {
    public let address: String
    public let apiPort: Int
    public let folder: URL
    private let process = Process()
    /// Where it runs: its API is on that namespace's loopback.
    public let netns: String?

    public static var available: Bool { Command.which("gobgpd") != nil && Command.which("gobgp") != nil }

    /// `gracefulRestart`: RFC 4724 on the session and for l2vpn-evpn (restart time in seconds).
    public init(address: String, peer: String, peerPort: Int, asn: UInt32 = 65000, gracefulRestart: Int? = nil,
                netns: String? = nil) throws {
        self.address = address
        self.netns = netns
        apiPort = freeLoopbackPort()
        folder = try TemporaryFolder.create("swiftplane-gobgp")
        let config = """
            [global.config]
              as = \(asn)
              router-id = "\(address)"
              port = -1
              local-address-list = ["\(address)"]
            [[neighbors]]
              [neighbors.config]
                neighbor-address = "\(peer)"
                peer-as = \(asn)
              [neighbors.transport.config]
                remote-port = \(peerPort)
                local-address = "\(address)"
              [neighbors.timers.config]
                connect-retry = 1
            """ + (gracefulRestart.map { """

                  [neighbors.graceful-restart.config]
                    enabled = true
                    restart-time = \($0)
                """ } ?? "") + """

              [[neighbors.afi-safis]]
                [neighbors.afi-safis.config]
                  afi-safi-name = "l2vpn-evpn"
            """ + (gracefulRestart == nil ? "" : """

                    [neighbors.afi-safis.mp-graceful-restart.config]
                      enabled = true
                """)
        let configURL = folder.appendingPathComponent("gobgpd.toml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("gobgpd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let arguments = [Command.which("gobgpd") ?? "gobgpd", "-f", configURL.path, "--api-hosts", "127.0.0.1:\(apiPort)", "-p", "--pprof-disable"]
        process.executableURL = URL(fileURLWithPath: netns == nil ? arguments[0] : Command.which("ip") ?? "/usr/sbin/ip")
        process.arguments = netns.map { ["netns", "exec", $0] + arguments } ?? Array(arguments.dropFirst())
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// `gobgp -p API ARGS...`.
    @discardableResult
    public func cli(_ arguments: [String]) throws -> CommandResult {
        let command = [Command.which("gobgp") ?? "gobgp", "-u", "127.0.0.1", "-p", "\(apiPort)"] + arguments
        if let netns { return try Command.run(Command.which("ip") ?? "/usr/sbin/ip", ["netns", "exec", netns] + command) }
        return try Command.run(command[0], Array(command.dropFirst()))
    }

    /// The EVPN table as gobgp prints it with -j: destination text -> paths.
    public func evpnRIB() throws -> [String: [[String: Any]]] {
        let out = try cli(["global", "rib", "-a", "evpn", "-j"])
        guard out.status == 0, let data = out.stdout.data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: [[String: Any]]] else { return [:] }
        return json
    }

    public var log: String { (try? String(contentsOf: folder.appendingPathComponent("gobgpd.log"), encoding: .utf8)) ?? "" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
