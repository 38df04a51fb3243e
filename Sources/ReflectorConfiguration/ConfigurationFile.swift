import ConfigurationReader
import ConfigurationSections
import ConfigurationValues
import NetAddress
import SocketFile

/// `swiftplane-rr --config FILE`: every field optional, flags override it.
///
///     as: 65000
///     router-id: 10.0.0.1
///     cluster-id: 10.0.0.1
///     listen: 0.0.0.0:179
///     accept: [10.0.0.0/8]               # or - {prefix: 10.0.0.0/8, password: secret}
///     neighbors:
///       - {address: 10.0.0.2, port: 179, passive: false, password: secret}
///     timers: {hold: 90, keepalive: 30, connect-retry: 30}
///     max-prefixes: 10000
///     max-peers: 1000
///     graceful-restart: {enabled: true, restart-time: 120, selection-deferral-time: 8}
///     route-target-constraint: true      # RFC 4684; peers without it still get every route
///     log-level: info
///     admin: {address: /run/swiftplane/rr.sock, socket-mode: "0600", allow-non-loopback: false}
///     metrics: 127.0.0.1:9179            # Prometheus /metrics and /healthz; off when absent
///     bmp: 127.0.0.1:11019               # BMP (RFC 7854) collector to send to; off when absent
///     mrt: {directory: /var/lib/swiftplane/mrt, file-size: 67108864, files: 8}   # MRT (RFC 6396) update dumps; off when absent
public struct ConfigurationFile: Sendable {
    /// What applies when neither the file nor a flag says: declared once,
    /// read by the flags' help and by the merge of file and flags.
    public enum Defaults {
        public static let listen = ListenAddress(host: "0.0.0.0", port: bgpPort)
        /// A neighbour's port when `port` is absent (BGP's, RFC 4271).
        public static let bgpPort = 179
        public static let maximumPeers = 1000
        /// Routes a peer may send before it is closed with CEASE (maximum
        /// number of prefixes reached): a client that dials in from an
        /// `accept` range is anyone in that range, and one that sends without
        /// end must not take the reflector's memory (about 400 octets a route).
        /// 0 in the file or the flag: no limit.
        public static let maximumPrefixes = 500_000
        public static let holdTime: UInt16 = 90
        public static let connectRetry = 30
        public static let gracefulRestart = false
        public static let restartTime: UInt16 = 120
        public static let selectionDeferralTime: UInt16 = 8
        public static let routeTargetConstraint = true
        public static let logLevel = LogLevel.info
        public static let adminSocketMode = SocketFileMode.owner
        public static let mrtFileSize = 64 << 20
        public static let mrtFiles = 8
        public static let bmpStatisticsInterval = 60
        /// Octets a peer may leave unread before it is closed (`max-output-queue`).
        public static let maximumOutputQueue = 32 << 20
    }

    public var asn: UInt32?
    public var routerID: IPv4Address?
    public var clusterID: IPv4Address?
    public var listen: ListenAddress?
    public var accept: [NeighborRange]?
    public var neighbors: [Neighbor]?
    public var holdTime: UInt16?
    public var connectRetry: Int?
    public var keepalive: UInt16?
    public var maximumPrefixes: Int?
    public var maximumPeers: Int?
    /// Octets queued to a peer that does not read before it is dropped.
    public var maximumOutputQueue: Int?
    public var gracefulRestart: Bool?
    public var restartTime: UInt16?
    public var selectionDeferralTime: UInt16?
    public var routeTargetConstraint: Bool?
    public var logLevel: LogLevel?
    public var adminAddress: AdminAddress?
    public var adminSocketMode: UInt32?
    /// The Prometheus listener (`/metrics`, `/healthz`); nil: none.
    public var metricsAddress: AdminAddress?
    /// The BMP collector (RFC 7854) the reflector dials; nil: none.
    public var bmpCollector: ListenAddress?
    /// MRT update dumps (RFC 6396): the folder, octets per file, files kept; nil: none.
    public var mrt: MRTDumpSettings?

    public struct MRTDumpSettings: Hashable, Sendable {
        public var directory: String
        public var fileSize: Int
        public var files: Int
        public init(directory: String, fileSize: Int = Defaults.mrtFileSize, files: Int = Defaults.mrtFiles) { self.directory = directory; self.fileSize = fileSize; self.files = files }
    }

    public init() {}

    public struct Neighbor: Hashable, Sendable {
        public var address: IPAddress
        public var port: Int
        public var passive: Bool
        /// RFC 2385 TCP MD5 signature key.
        public var password: String?
    }

    public static func load(_ file: String) throws(ConfigurationError) -> ConfigurationFile {
        try read(ConfigurationDocument.load(path: file))
    }

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> ConfigurationFile {
        try read(ConfigurationDocument.parse(text, file: file))
    }

    /// Every field optional: what the file leaves out, the flags or the defaults say.
    private static func read(_ root: ConfigurationNode?) throws(ConfigurationError) -> ConfigurationFile {
        var c = ConfigurationFile()
        guard let root else { return c }  // an empty file configures nothing
        var top = try ConfigurationMapping(root)
        c.asn = try top.optional("as")?.integer(1...UInt32.max)
        c.routerID = try top.optional("router-id").map(ipv4)
        c.clusterID = try top.optional("cluster-id").map(ipv4)
        if let v = top.optional("listen") {
            c.listen = try v.parsed("IPV4:PORT or [IPV6]:PORT, port 0-65535") { ListenAddress(argument: $0) }
        }
        if let v = top.optional("accept") {
            c.accept = try v.sequence().map { e throws(ConfigurationError) in
                // A prefix, or {prefix, password} when the range's peers sign with TCP MD5.
                guard e.isMapping else { return try e.parsed(prefixExpected) { NeighborRange($0) } }
                var fields = try ConfigurationMapping(e)
                var range = try fields.required("prefix").parsed(prefixExpected) { NeighborRange($0) }
                range.password = try fields.optional("password", secret: true)?.secret(TCPMD5Key.problem)
                try fields.finish()
                return range
            }
        }
        if let v = top.optional("neighbors") {
            c.neighbors = try v.sequence().map { e throws(ConfigurationError) in
                var n = try ConfigurationMapping(e)
                let neighbor = Neighbor(address: try n.required("address").parsed("an IP address") { IPAddress($0) },
                                        port: try n.optional("port")?.integer(1...65535) ?? Defaults.bgpPort,
                                        passive: try n.optional("passive")?.boolean() ?? false,
                                        password: try n.optional("password", secret: true)?.secret(TCPMD5Key.problem))
                try n.finish()
                return neighbor
            }
        }
        if let v = top.optional("timers") {
            var t = try ConfigurationMapping(v)
            if let h = t.optional("hold") {
                let s: UInt16 = try h.integer(0...65535)
                guard s == 0 || s >= 3 else { throw h.invalid("must be 0 or 3-65535") }
                c.holdTime = s
            }
            if let k = t.optional("keepalive") {
                let s: UInt16 = try k.integer(1...65535)
                // RFC 4271 §4.4: KEEPALIVEs must come faster than the hold timer runs out.
                if let h = c.holdTime, h != 0, s >= h { throw k.invalid("must be less than timers.hold (\(h))") }
                c.keepalive = s
            }
            c.connectRetry = try t.optional("connect-retry")?.integer(1...65535)
            try t.finish()
        }
        c.maximumPrefixes = try top.optional("max-prefixes")?.integer(0...Int(Int32.max))
        c.maximumPeers = try top.optional("max-peers")?.integer(0...Int(Int32.max))
        c.maximumOutputQueue = try top.optional("max-output-queue")?.integer((1 << 20)...(1 << 30))
        if let v = top.optional("graceful-restart") {
            var g = try ConfigurationMapping(v)
            c.gracefulRestart = try g.optional("enabled")?.boolean()
            c.restartTime = try g.optional("restart-time")?.integer(0...4095)
            c.selectionDeferralTime = try g.optional("selection-deferral-time")?.integer(0...3600)
            try g.finish()
        }
        c.routeTargetConstraint = try top.optional("route-target-constraint")?.boolean()
        if let v = top.optional("admin") {
            let section = try AdminSection(v)
            c.adminAddress = section.address
            c.adminSocketMode = section.socketMode?.rawValue
        }
        c.metricsAddress = try top.optional("metrics").map { v throws(ConfigurationError) in try MetricsSection.address(v) }
        if let v = top.optional("bmp") {
            let (address, port) = try v.parsed("the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535") { text in
                ListenAddress.hostPort(text).flatMap { $0.1 > 0 ? $0 : nil }
            }
            c.bmpCollector = ListenAddress(host: "\(address)", port: port)
        }
        if let v = top.optional("mrt") {
            c.mrt = try mrtSettings(v)
        }
        c.logLevel = try top.optional("log-level")?.choice(LogLevel.self)
        try top.finish()
        return c
    }

    static let prefixExpected = "an IPv4 or IPv6 prefix such as 10.0.0.0/8 or fd00:9::/64"

    static func ipv4(_ node: ConfigurationNode) throws(ConfigurationError) -> IPv4Address {
        try node.parsed("an IPv4 address") { IPv4Address($0) }
    }

}

extension ConfigurationFile {
    /// `mrt: {directory: DIR, file-size: OCTETS, files: N}`.
    static func mrtSettings(_ v: ConfigurationNode) throws(ConfigurationError) -> MRTDumpSettings {
        var m = try ConfigurationMapping(v)
        let directory = try m.required("directory").parsed("an absolute folder path") { $0.hasPrefix("/") ? $0 : nil }
        var settings = MRTDumpSettings(directory: directory)
        settings.fileSize = try m.optional("file-size")?.integer(4096...(1 << 40)) ?? settings.fileSize
        settings.files = try m.optional("files")?.integer(1...100_000) ?? settings.files
        try m.finish()
        return settings
    }
}
