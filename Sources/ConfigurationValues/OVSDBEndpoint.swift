import NetAddress

/// Where ovsdb-server listens, in OVS's own spelling: `unix:/run/openvswitch/db.sock`
/// or `tcp:127.0.0.1:6640` (`tcp:[::1]:6640` for IPv6).
public enum OVSDBEndpoint: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
        } else if text.hasPrefix("tcp:") {
            guard let (host, port) = try? HostPort.parse(text.dropFirst(4)), port > 0, !host.isEmpty else { return nil }
            self = .tcp(host: host, port: port)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): return "unix:\(path)"
        case .tcp(let host, let port): return "tcp:" + HostPort.text(host: host, port: port)
        }
    }
}
