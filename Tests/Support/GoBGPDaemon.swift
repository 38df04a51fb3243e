import Foundation

/// A private gobgpd for one test: its own config in a temporary folder, a
/// 127.x address (or one inside `netns`), an API port of its own, and by
/// default no BGP listener (port -1). Stopped by its pid in `stop()`, which
/// the test calls in a `defer`.
public final class GoBGPDaemon {
    public let address: String
    public let apiPort: Int
    public let folder: URL
    /// Where it runs: its API is on that namespace's loopback.
    public let netns: String?
    private let process: Daemon

    public static var available: Bool { Command.which("gobgpd") != nil && Command.which("gobgp") != nil }

    /// One `[[neighbors]]` entry, l2vpn-evpn only.
    public struct Neighbor {
        public var address: String
        /// Where to dial it; nil: GoBGP's default (179).
        public var port: Int?
        public var passive = false
        /// RFC 2385 TCP MD5 key (`auth-password`).
        public var password: String?
        /// A route reflector client of this gobgpd, cluster id = its address.
        public var reflectorClient = false
        /// RFC 4724 on the session and for l2vpn-evpn (restart time in seconds).
        public var gracefulRestart: Int?
        /// RFC 4684 route target constraint (family "rtc") besides l2vpn-evpn.
        public var routeTargetConstraint = false

        public init(address: String, port: Int? = nil, passive: Bool = false, password: String? = nil,
                    reflectorClient: Bool = false, gracefulRestart: Int? = nil, routeTargetConstraint: Bool = false) {
            self.address = address; self.port = port; self.passive = passive; self.password = password
            self.reflectorClient = reflectorClient; self.gracefulRestart = gracefulRestart
            self.routeTargetConstraint = routeTargetConstraint
        }
    }

    /// A client of one peer (for instance our route reflector at `peer:peerPort`).
    public convenience init(address: String, peer: String, peerPort: Int, asn: UInt32 = 65000, gracefulRestart: Int? = nil,
                            password: String? = nil, netns: String? = nil) throws {
        try self.init(address: address, asn: asn,
                      neighbors: [Neighbor(address: peer, port: peerPort, password: password, gracefulRestart: gracefulRestart)],
                      netns: netns)
    }

    /// `listenPort` > 0 makes it accept connections on `address`.
    public init(address: String, listenPort: Int = -1, asn: UInt32 = 65000, neighbors: [Neighbor], netns: String? = nil) throws {
        self.address = address
        self.netns = netns
        apiPort = freeLoopbackPort()
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
                """) + (n.routeTargetConstraint ? """

                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "rtc"
                """ : "")
        }
        let configURL = folder.appendingPathComponent("gobgpd.toml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        process = try Daemon([Command.which("gobgpd") ?? "gobgpd", "-f", configURL.path, "--api-hosts", "127.0.0.1:\(apiPort)", "-p", "--pprof-disable"],
                             netns: netns, log: folder.appendingPathComponent("gobgpd.log"))
    }

    /// `gobgp -p API ARGS...`.
    @discardableResult
    public func cli(_ arguments: [String]) throws -> CommandResult {
        let command = [Command.which("gobgp") ?? "gobgp", "-u", "127.0.0.1", "-p", "\(apiPort)"] + arguments
        if let netns { return try Command.run(Command.which("ip") ?? "/usr/sbin/ip", ["netns", "exec", netns] + command) }
        return try Command.run(command[0], Array(command.dropFirst()))
    }

    /// Adds (or with `delete`, removes) one EVPN route in the global RIB; true when gobgp said yes.
    public func evpn(_ route: [String], delete: Bool = false) throws -> Bool {
        try cli(["global", "rib", delete ? "del" : "add", "-a", "evpn"] + route).status == 0
    }

    /// Adds (or removes) a VRF importing and exporting `routeTarget`: GoBGP
    /// 3.10's CLI cannot add RT membership routes directly, but it originates
    /// one per import route target of its VRFs (RFC 4684) to its rtc peers.
    public func vrf(_ name: String, routeTarget: String, delete: Bool = false) throws -> Bool {
        let arguments = delete ? ["vrf", "del", name]
            : ["vrf", "add", name, "rd", routeTarget, "rt", "import", routeTarget, "export", routeTarget]
        return try cli(arguments).status == 0
    }

    /// `gobgp global rib add|del -a evpn` arguments of a type-2 route: RD VTEP:`rd`, label = VNI,
    /// RT 65000:VNI, VXLAN encapsulation, next hop the VTEP.
    public static func macadv(_ mac: String, _ ip: String, vni: Int, vtep: String, rd: Int) -> [String] {
        ["macadv", mac, ip, "etag", "0", "label", "\(vni)", "rd", "\(vtep):\(rd)", "rt", "65000:\(vni)", "encap", "vxlan", "nexthop", vtep]
    }

    /// The same for a type-3 route of the VTEP (an explicit next hop: FRR refuses a loopback one as martian).
    public static func multicast(vni: Int, vtep: String, rd: Int) -> [String] {
        ["multicast", vtep, "etag", "0", "rd", "\(vtep):\(rd)", "rt", "65000:\(vni)", "encap", "vxlan", "nexthop", vtep]
    }

    /// The EVPN table as gobgp prints it with -j: destination text -> paths.
    public func evpnRIB() throws -> [String: [[String: Any]]] {
        let out = try cli(["global", "rib", "-a", "evpn", "-j"])
        guard out.status == 0, let data = out.stdout.data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: [[String: Any]]] else { return [:] }
        return json
    }

    public var log: String { process.output }

    /// Waits up to `seconds` for `condition` while gobgpd runs (see `Daemon.ready`).
    public func ready(within seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        try await process.ready(within: seconds, condition)
    }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
