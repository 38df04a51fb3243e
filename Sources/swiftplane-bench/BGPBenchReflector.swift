import Foundation
import NIOCore
import NIOPosix

/// A route reflector under test, run as a child process and stopped by its
/// pid (SIGTERM, then SIGKILL), also when the run fails.
final class BGPBenchReflector {
    enum Kind: String, Sendable {
        case swiftplane
        case gobgp
        case frr
    }

    let kind: Kind
    let port: Int
    private let process: Process
    private let directory: URL?

    private init(kind: Kind, port: Int, process: Process, directory: URL?) {
        self.kind = kind; self.port = port; self.process = process; self.directory = directory
    }

    var pid: Int32 { process.processIdentifier }

    /// Our `swiftplane-rr` (pass the release build for figures).
    static func swiftplane(executable: String, port: Int, maximumPeers: Int) throws -> BGPBenchReflector {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["--as", "65000", "--router-id", "127.0.0.1", "--cluster-id", "127.0.0.1",
                       "--listen", "127.0.0.1:\(port)", "--accept", "127.0.0.0/8", "--log-level", "warning",
                       "--max-peers", "\(maximumPeers)",
                       // Its load peers push millions of routes: no max-prefixes (500,000 by default).
                       "--max-prefixes", "0",
                       // Its own admin socket: a reflector in service may own the default one.
                       "--admin-socket", FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-bench-rr-\(getpid())-\(port).sock").path]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return BGPBenchReflector(kind: .swiftplane, port: port, process: p, directory: nil)
    }

    /// GoBGP as route reflector: every load peer a passive route-reflector
    /// client for l2vpn-evpn; the gRPC API on its own loopback port.
    static func gobgp(executable: String, port: Int, apiPort: Int, peers: [String]) throws -> BGPBenchReflector {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-bench-gobgp-\(getpid())-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var config = """
            [global.config]
              as = 65000
              router-id = "127.0.0.1"
              port = \(port)
              local-address-list = ["127.0.0.1"]

            """
        for peer in peers {
            config += """

                [[neighbors]]
                  [neighbors.config]
                    neighbor-address = "\(peer)"
                    peer-as = 65000
                  [neighbors.transport.config]
                    passive-mode = true
                    local-address = "127.0.0.1"
                  [neighbors.route-reflector.config]
                    route-reflector-client = true
                    route-reflector-cluster-id = "127.0.0.1"
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "l2vpn-evpn"

                """
        }
        let file = dir.appendingPathComponent("gobgpd.toml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["-f", file.path, "-t", "toml", "--api-hosts", "127.0.0.1:\(apiPort)", "--pprof-disable",
                       "-l", "warn", "-p"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return BGPBenchReflector(kind: .gobgp, port: port, process: p, directory: dir)
    }

    /// FRR's bgpd as route reflector, without zebra (`-Z`): every peer
    /// from 127.0.0.0/8 a dynamic route-reflector client for l2vpn/evpn
    /// (`bgp listen range` with a peer group, `bgp listen limit` raised),
    /// 127.0.0.0/8 next hops accepted (`bgp allow-martian-nexthop`). Its
    /// config, pid file and vty socket in a private folder; no vty TCP port.
    static func frr(executable: String, port: Int, maximumPeers: Int) throws -> BGPBenchReflector {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-bench-frr-\(getpid())-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = """
            frr defaults traditional
            hostname swiftplane-bench
            log stdout warnings
            !
            router bgp 65000
             bgp router-id 127.0.0.1
             bgp cluster-id 127.0.0.1
             no bgp default ipv4-unicast
             bgp allow-martian-nexthop
             bgp listen limit \(maximumPeers)
             neighbor clients peer-group
             neighbor clients remote-as 65000
             bgp listen range 127.0.0.0/8 peer-group clients
             address-family l2vpn evpn
              neighbor clients activate
              neighbor clients route-reflector-client
             exit-address-family
            !

            """
        let file = dir.appendingPathComponent("bgpd.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        // -S: no user switch; -Z: no zebra; -P 0: no vty TCP port; -l: BGP on loopback only.
        p.arguments = ["-S", "-Z", "-P", "0", "-p", "\(port)", "-l", "127.0.0.1", "-f", file.path,
                       "-i", dir.appendingPathComponent("bgpd.pid").path, "--vty_socket", dir.path,
                       "-z", dir.appendingPathComponent("zserv.api").path]
        let log = dir.appendingPathComponent("bgpd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return BGPBenchReflector(kind: .frr, port: port, process: p, directory: dir)
    }

    /// Peak resident set (VmHWM) in bytes, nil when /proc does not say.
    var peakRSS: Int? { status("VmHWM:") }
    /// Resident set now (VmRSS): with every route stored and nothing in flight, the table's cost.
    var currentRSS: Int? { status("VmRSS:") }

    private func status(_ field: String) -> Int? { ProcessStatus.bytes(pid: pid, field) }

    func stop() {
        if process.isRunning {
            kill(pid, SIGTERM)
            let until = Date().addingTimeInterval(3)
            while process.isRunning, Date() < until { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// A free loopback TCP port (bound then released: the child binds it next).
    static func freePort(group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        guard port != 0 else { throw BGPBenchPeerError(description: "no free port") }
        return port
    }
}
