import Foundation
import TestSupport

/// A private gobgpd for one test: its own config in a temporary folder, a
/// 127.x address, an API port of its own, and by default no BGP listener
/// (port -1). Stopped by its pid in `stop()`, which the test calls in a `defer`.
final class GoBGPDaemon {
    let address: String
    let apiPort: Int
    let folder: URL
    private let process = Process()

    static var available: Bool { Command.which("gobgpd") != nil && Command.which("gobgp") != nil }

    /// One `[[neighbors]]` entry, l2vpn-evpn only.
    struct Neighbor {
        var address: String
        /// Where to dial it; nil: GoBGP's default (179).
        var port: Int?
        var passive = false
        /// RFC 2385 TCP MD5 key (`auth-password`).
        var password: String?
        /// A route reflector client of this gobgpd, cluster id = its address.
        var reflectorClient = false
        /// RFC 4724 on the session and for l2vpn-evpn (restart time in seconds).
        var gracefulRestart: Int?
    }

    /// A client of one peer (for instance our route reflector at `peer:peerPort`).
    convenience init(address: String, peer: String, peerPort: Int, asn: UInt32 = 65000, gracefulRestart: Int? = nil,
                     password: String? = nil) throws {
        try self.init(address: address, asn: asn,
                      neighbors: [Neighbor(address: peer, port: peerPort, password: password, gracefulRestart: gracefulRestart)])
    }

    /// `listenPort` > 0 makes it accept connections on `address`.
    init(address: String, listenPort: Int = -1, asn: UInt32 = 65000, neighbors: [Neighbor]) throws {
        self.address = address
        apiPort = Self.freeLoopbackPort() ?? Int.random(in: 40000...49999)
        folder = try TemporaryFolder.create("swiftplane-gobgp")
        var config = """
            [global.config]
              as = \(asn)
              router-id = "\(address)"
              port = \(listenPort)
              local-address-list = ["\(address)"]
            """
        for n in neighbors {
            config += """

                [[neighbors]]
                  [neighbors.config]
                    neighbor-address = "\(n.address)"
                    peer-as = \(asn)
                """ + (n.password.map { "\n    auth-password = \"\($0)\"" } ?? "") + """

                  [neighbors.transport.config]
                    local-address = "\(address)"
                    passive-mode = \(n.passive)
                """ + (n.port.map { "\n    remote-port = \($0)" } ?? "") + """

                  [neighbors.timers.config]
                    connect-retry = 1
                """ + (n.reflectorClient ? """

                  [neighbors.route-reflector.config]
                    route-reflector-client = true
                    route-reflector-cluster-id = "\(address)"
                """ : "") + (n.gracefulRestart.map { """

                  [neighbors.graceful-restart.config]
                    enabled = true
                    restart-time = \($0)
                """ } ?? "") + """

                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "l2vpn-evpn"
                """ + (n.gracefulRestart == nil ? "" : """

                    [neighbors.afi-safis.mp-graceful-restart.config]
                      enabled = true
                """)
        }
        let configURL = folder.appendingPathComponent("gobgpd.toml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("gobgpd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: Command.which("gobgpd") ?? "gobgpd")
        process.arguments = ["-f", configURL.path, "--api-hosts", "127.0.0.1:\(apiPort)", "-p", "--pprof-disable"]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// A TCP port free on 127.0.0.1 now (bound to port 0, read back, released):
    /// a random pick collided with other daemons' ports when tests ran side by side.
    static func freeLoopbackPort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// `gobgp -p API ARGS...`.
    @discardableResult
    func cli(_ arguments: [String]) throws -> CommandResult {
        try Command.run(Command.which("gobgp") ?? "gobgp", ["-u", "127.0.0.1", "-p", "\(apiPort)"] + arguments)
    }

    /// Adds (or with `delete`, removes) one EVPN route in the global RIB; true when gobgp said yes.
    func evpn(_ route: [String], delete: Bool = false) throws -> Bool {
        try cli(["global", "rib", delete ? "del" : "add", "-a", "evpn"] + route).status == 0
    }

    /// `gobgp global rib add|del -a evpn` arguments of a type-2 route: RD VTEP:`rd`, label = VNI,
    /// RT 65000:VNI, VXLAN encapsulation, next hop the VTEP.
    static func macadv(_ mac: String, _ ip: String, vni: Int, vtep: String, rd: Int) -> [String] {
        ["macadv", mac, ip, "etag", "0", "label", "\(vni)", "rd", "\(vtep):\(rd)", "rt", "65000:\(vni)", "encap", "vxlan", "nexthop", vtep]
    }

    /// The same for a type-3 route of the VTEP (an explicit next hop: FRR refuses a loopback one as martian).
    static func multicast(vni: Int, vtep: String, rd: Int) -> [String] {
        ["multicast", vtep, "etag", "0", "rd", "\(vtep):\(rd)", "rt", "65000:\(vni)", "encap", "vxlan", "nexthop", vtep]
    }

    /// The EVPN table as gobgp prints it with -j: destination text -> paths.
    func evpnRIB() throws -> [String: [[String: Any]]] {
        let out = try cli(["global", "rib", "-a", "evpn", "-j"])
        guard out.status == 0, let data = out.stdout.data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: [[String: Any]]] else { return [:] }
        return json
    }

    var log: String { (try? String(contentsOf: folder.appendingPathComponent("gobgpd.log"), encoding: .utf8)) ?? "" }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
