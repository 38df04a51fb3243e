import AdminAPI
import BGP
import BGPSpeaker
import Foundation
import Logging
import Yams

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
    /// Routes a peer may send before it is closed with CEASE (maximum
    /// number of prefixes reached) when neither `max-prefixes` nor
    /// `--max-prefixes` says otherwise: a client that dials in from an
    /// `accept` range is anyone in that range, and one that sends without
    /// end must not take the reflector's memory (about 400 octets a route).
    /// 0 in the file or the flag: no limit.
    public static let defaultMaximumPrefixes = 500_000

    public var asn: UInt32?
    public var routerID: IPv4Address?
    public var clusterID: IPv4Address?
    public var listen: (host: String, port: Int)?
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
    public var logLevel: Logger.Level?
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
        public init(directory: String, fileSize: Int = 64 << 20, files: Int = 8) { self.directory = directory; self.fileSize = fileSize; self.files = files }
    }

    public init() {}

    public struct Neighbor: Hashable, Sendable {
        public var address: IPAddress
        public var port: Int
        public var passive: Bool
        /// RFC 2385 TCP MD5 signature key.
        public var password: String?

        public func configuration(peerAS: UInt32) -> NeighborConfiguration {
            NeighborConfiguration(address: address, port: port, peerAS: peerAS, passive: passive, password: password)
        }
    }

    /// The fields of the file's top level.
    public static let topKeys: Set<String> = ["as", "router-id", "cluster-id", "listen", "accept", "neighbors", "timers", "max-prefixes",
                                       "max-peers", "max-output-queue", "graceful-restart", "log-level", "admin", "route-target-constraint",
                                       "metrics", "bmp", "mrt"]

    public static func load(_ file: String) throws(ConfigurationError) -> ConfigurationFile {
        switch FileText.read(file) {
        case let .success(text): return try parse(text, file: file)
        case let .failure(error): throw ConfigurationError(file: file, path: "(file)", value: file, reason: error.reason)
        }
    }

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> ConfigurationFile {
        let document: Node?
        do { document = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(file: file, path: "(document)", value: String(text.prefix(200)), reason: "not YAML: \(yamlProblem(error))")
        }
        if let document, let problem = AliasExpansion.problem(document) {
            throw ConfigurationError(file: file, path: "(document)", value: String(text.prefix(200)), reason: problem)
        }
        let root = document?.any
        var c = ConfigurationFile()
        guard let root else { return c }  // an empty file configures nothing
        let r = Reader(file: file)
        let top = try r.map(root, "(document)", keys: topKeys)
        if let v = top["as"] { c.asn = try r.integer(v, "as", 1...Int(UInt32.max)).map { UInt32($0) } }
        if let v = top["router-id"] { c.routerID = try r.ipv4(v, "router-id") }
        if let v = top["cluster-id"] { c.clusterID = try r.ipv4(v, "cluster-id") }
        if let v = top["listen"] {
            let s = r.text(v)
            guard let l = ListenAddress(argument: s) else {
                throw ConfigurationError(file: file, path: "listen", value: s, reason: "expected IPV4:PORT or [IPV6]:PORT, port 0-65535")
            }
            c.listen = (l.host, l.port)
        }
        if let v = top["accept"] {
            c.accept = try r.list(v, "accept").enumerated().map { (i, e) throws(ConfigurationError) in
                // A prefix, or {prefix, password} when the range's peers sign with TCP MD5.
                let p = "accept[\(i)]"
                let fields = e is [String: Any] ? try r.map(e, p, keys: ["prefix", "password"]) : ["prefix": e]
                guard let text = fields["prefix"].map(r.text), var range = NeighborRange(text) else {
                    throw ConfigurationError(file: file, path: fields["prefix"] == nil ? "\(p).prefix" : p,
                                             value: fields["prefix"].map(r.text) ?? "(missing)", reason: "expected an IPv4 or IPv6 prefix such as 10.0.0.0/8 or fd00:9::/64")
                }
                range.password = try fields["password"].map { v throws(ConfigurationError) in try r.password(v, "\(p).password") }
                return range
            }
        }
        if let v = top["neighbors"] {
            c.neighbors = try r.list(v, "neighbors").enumerated().map { (i, e) throws(ConfigurationError) in
                let p = "neighbors[\(i)]"
                let n = try r.map(e, p, keys: ["address", "port", "passive", "password"])
                guard let a = n["address"] else { throw ConfigurationError(file: file, path: "\(p).address", value: "", reason: "required") }
                return Neighbor(address: try r.ip(a, "\(p).address"),
                                port: try n["port"].map { v throws(ConfigurationError) in try r.integer(v, "\(p).port", 1...65535) ?? 179 } ?? 179,
                                passive: try n["passive"].map { v throws(ConfigurationError) in try r.bool(v, "\(p).passive") } ?? false,
                                password: try n["password"].map { v throws(ConfigurationError) in try r.password(v, "\(p).password") })
            }
        }
        if let v = top["timers"] {
            let t = try r.map(v, "timers", keys: ["hold", "keepalive", "connect-retry"])
            if let h = t["hold"] {
                let s = try r.integer(h, "timers.hold", 0...65535) ?? 0
                guard s == 0 || s >= 3 else { throw ConfigurationError(file: file, path: "timers.hold", value: "\(s)", reason: "must be 0 or 3-65535") }
                c.holdTime = UInt16(s)
            }
            if let k = t["keepalive"] {
                let s = try r.integer(k, "timers.keepalive", 1...65535) ?? 1
                // RFC 4271 §4.4: KEEPALIVEs must come faster than the hold timer runs out.
                if let h = c.holdTime, h != 0, s >= Int(h) {
                    throw ConfigurationError(file: file, path: "timers.keepalive", value: "\(s)", reason: "must be less than timers.hold (\(h))")
                }
                c.keepalive = UInt16(s)
            }
            if let x = t["connect-retry"] { c.connectRetry = try r.integer(x, "timers.connect-retry", 1...65535) }
        }
        if let v = top["max-prefixes"] { c.maximumPrefixes = try r.integer(v, "max-prefixes", 0...Int(Int32.max)) }
        if let v = top["max-peers"] { c.maximumPeers = try r.integer(v, "max-peers", 0...Int(Int32.max)) }
        if let v = top["max-output-queue"] { c.maximumOutputQueue = try r.integer(v, "max-output-queue", (1 << 20)...(1 << 30)) }
        if let v = top["graceful-restart"] {
            let g = try r.map(v, "graceful-restart", keys: ["enabled", "restart-time", "selection-deferral-time"])
            if let e = g["enabled"] { c.gracefulRestart = try r.bool(e, "graceful-restart.enabled") }
            if let t = g["restart-time"] { c.restartTime = try r.integer(t, "graceful-restart.restart-time", 0...4095).map { UInt16($0) } }
            if let t = g["selection-deferral-time"] {
                c.selectionDeferralTime = try r.integer(t, "graceful-restart.selection-deferral-time", 0...3600).map { UInt16($0) }
            }
        }
        if let v = top["route-target-constraint"] { c.routeTargetConstraint = try r.bool(v, "route-target-constraint") }
        if let v = top["admin"] {
            let a = try r.map(v, "admin", keys: ["address", "socket-mode", "allow-non-loopback"])
            let allow = try a["allow-non-loopback"].map { v throws(ConfigurationError) in try r.bool(v, "admin.allow-non-loopback") } ?? false
            if let x = a["address"] {
                do throws(AdminAddressError) {
                    c.adminAddress = try AdminAddress(parsing: r.text(x), allowNonLoopback: allow)
                } catch {
                    throw ConfigurationError(file: file, path: "admin.address", value: r.text(x), reason: error.reason)
                }
            }
            if let m = a["socket-mode"] {
                // YAML reads an unquoted 0660 as the octal integer 432: take either spelling.
                let text = (m as? Int).map { String($0, radix: 8) } ?? r.text(m)
                guard let mode = ["600": UInt32(0o600), "0600": 0o600, "660": 0o660, "0660": 0o660][text] else {
                    throw ConfigurationError(file: file, path: "admin.socket-mode", value: r.text(m), reason: "expected 0600 (root only) or 0660 (also the group)")
                }
                c.adminSocketMode = mode
            }
        }
        if let v = top["metrics"] {
            do throws(AdminAddressError) {
                c.metricsAddress = try MetricsListener.address(parsing: r.text(v))
            } catch {
                throw ConfigurationError(file: file, path: "metrics", value: r.text(v), reason: error.reason)
            }
        }
        if let v = top["bmp"] {
            guard let (address, port) = ListenAddress.hostPort(r.text(v)), port > 0 else {
                throw ConfigurationError(file: file, path: "bmp", value: r.text(v), reason: "expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535")
            }
            c.bmpCollector = ListenAddress(host: "\(address)", port: port)
        }
        if let v = top["mrt"] {
            c.mrt = try mrtSettings(v, r, file: file)
        }
        if let v = top["log-level"] {
            guard let l = Logger.Level(rawValue: r.text(v)) else {
                throw ConfigurationError(file: file, path: "log-level", value: r.text(v),
                                         reason: "expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.logLevel = l
        }
        return c
    }

    /// Yams' error without the source lines it quotes raw: the problem, line and column.
    static func yamlProblem(_ error: any Error) -> String {
        switch error as? YamlError {
        case let .scanner(_, problem, mark, _)?, let .parser(_, problem, mark, _)?:
            "\(problem) at line \(mark.line) column \(mark.column)"
        case let .reader(problem, offset, _, _)?:
            "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        default:
            FileText.quoted("\(error)", limit: 200)
        }
    }

    /// Typed access to YAML values, each failure naming the field.
    struct Reader {
        var file: String

        func text(_ v: Any) -> String { "\(v)" }

        func map(_ v: Any, _ path: String, keys: Set<String>) throws(ConfigurationError) -> [String: Any] {
            guard let m = v as? [String: Any] else { throw ConfigurationError(file: file, path: path, value: text(v), reason: "expected a mapping") }
            if let unknown = m.keys.sorted().first(where: { !keys.contains($0) }) {
                let name = path == "(document)" ? unknown : "\(path).\(unknown)"
                // A misspelt "password" (pasword, passwd, pw, secret, key) still holds the secret: not echoed either.
                let secretish = ["pas", "pw", "secret", "key"].contains { unknown.lowercased().contains($0) }
                let value = secretish ? "(hidden)" : text(m[unknown] ?? "")
                throw ConfigurationError(file: file, path: name, value: value, reason: "unknown field; known: \(keys.sorted().joined(separator: ", "))")
            }
            return m
        }

        func list(_ v: Any, _ path: String) throws(ConfigurationError) -> [Any] {
            guard let l = v as? [Any] else { throw ConfigurationError(file: file, path: path, value: text(v), reason: "expected a list") }
            return l
        }

        func integer(_ v: Any, _ path: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let i = v as? Int, range.contains(i) else {
                throw ConfigurationError(file: file, path: path, value: text(v), reason: "expected an integer \(range.lowerBound)-\(range.upperBound)")
            }
            return i
        }

        func bool(_ v: Any, _ path: String) throws(ConfigurationError) -> Bool {
            guard let b = v as? Bool else { throw ConfigurationError(file: file, path: path, value: text(v), reason: "expected true or false") }
            return b
        }

        /// A TCP MD5 key: a string of 1-80 octets. Errors do not repeat the secret.
        func password(_ v: Any, _ path: String) throws(ConfigurationError) -> String {
            guard let s = v as? String, !s.isEmpty else {
                throw ConfigurationError(file: file, path: path, value: "(hidden)", reason: "expected a non-empty string (quote numbers)")
            }
            if let reason = TCPMD5Signature.validate(s) {
                throw ConfigurationError(file: file, path: path, value: "(hidden, \(s.utf8.count) octets)", reason: reason)
            }
            return s
        }

        func ip(_ v: Any, _ path: String) throws(ConfigurationError) -> IPAddress {
            guard let a = IPAddress(text(v)) else { throw ConfigurationError(file: file, path: path, value: text(v), reason: "expected an IP address") }
            return a
        }

        func ipv4(_ v: Any, _ path: String) throws(ConfigurationError) -> IPv4Address {
            guard let a = IPv4Address(text(v)) else { throw ConfigurationError(file: file, path: path, value: text(v), reason: "expected an IPv4 address") }
            return a
        }
    }
}

extension ConfigurationFile {
    /// `mrt: {directory: DIR, file-size: OCTETS, files: N}`.
    static func mrtSettings(_ v: Any, _ r: Reader, file: String) throws(ConfigurationError) -> MRTDumpSettings {
        let m = try r.map(v, "mrt", keys: ["directory", "file-size", "files"])
        guard let directory = m["directory"].map(r.text), directory.hasPrefix("/") else {
            throw ConfigurationError(file: file, path: "mrt.directory", value: m["directory"].map(r.text) ?? "(missing)", reason: "expected an absolute folder path")
        }
        var settings = MRTDumpSettings(directory: directory)
        if let s = m["file-size"] { settings.fileSize = try r.integer(s, "mrt.file-size", 4096...(1 << 40)) ?? settings.fileSize }
        if let f = m["files"] { settings.files = try r.integer(f, "mrt.files", 1...100_000) ?? settings.files }
        return settings
    }
}
