import NetAddress
import SocketFile

/// Where the controller listens for switches: a TCP address, or a unix
/// domain socket file (`ovs-vsctl set-controller BR unix:PATH`). A socket
/// file's mode decides which local processes may act as a switch, which a
/// loopback TCP port cannot, and it skips the kernel's TCP path.
public enum ControllerListenAddress: Hashable, Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    public static let `default` = ControllerListenAddress.tcp(host: "127.0.0.1", port: 6653)

    /// The operator's text: `HOST:PORT` or `tcp:HOST:PORT` (the host an IP
    /// literal, IPv6 in brackets: `[::1]:6653`), or `unix:/ABSOLUTE/PATH`.
    public init(parsing text: String) throws(ControllerListenAddressError) {
        func refuse(_ reason: String) -> ControllerListenAddressError { ControllerListenAddressError(text: text, reason: reason) }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            // OVS resolves a relative unix: target in its own run directory, we in ours: they would not meet.
            guard path.hasPrefix("/") else { throw refuse("a unix socket path must be absolute") }
            do throws(UnixSocketFileError) {
                _ = try UnixSocketFile(path: path)
            } catch {
                throw refuse(error.reason)
            }
            self = .unix(path: path)
            return
        }
        if text.hasPrefix("ssl:") { throw refuse("TLS is turned on by the TLS settings, not the address: write HOST:PORT") }
        let hostPort = text.hasPrefix("tcp:") ? text.dropFirst(4) : Substring(text)
        let (host, port): (String, Int)
        do throws(HostPortError) {
            (host, port) = try HostPort.parse(hostPort)
        } catch .missingPort {
            throw refuse("expected HOST:PORT, [IPv6]:PORT or unix:/PATH")
        } catch .unbracketedIPv6 {
            throw refuse("an IPv6 host goes in brackets, as [::1]:6653")
        } catch .notIPv6InBrackets {
            throw refuse("the host must be an IP address")
        } catch {
            throw refuse(error.description)
        }
        guard IPAddress(host) != nil else { throw refuse("the host must be an IP address") }
        self = .tcp(host: host, port: port)
    }

    /// A unix socket file, or TCP on 127.0.0.0/8 or ::1: only this host's
    /// processes can connect. Anything else (a wildcard included) lets any
    /// host that reaches it act as a switch.
    public var isLocal: Bool {
        switch self {
        case .unix: return true
        case let .tcp(host, _): return IPAddress(host)?.isLoopback ?? false
        }
    }

    /// `tcp` or `unix`, as the logs say it.
    public var transport: String {
        switch self {
        case .tcp: "tcp"
        case .unix: "unix"
        }
    }

    /// What `ovs-vsctl set-controller BR TARGET` takes to reach this address
    /// (`ssl:` instead of `tcp:` with TLS); a wildcard host is reached on loopback.
    public func switchTarget(tls: Bool) -> String {
        switch self {
        case let .unix(path):
            return "unix:\(path)"
        case let .tcp(host, port):
            let reachable = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host
            return "\(tls ? "ssl" : "tcp"):" + HostPort.text(host: reachable, port: port)
        }
    }

    public var description: String {
        switch self {
        case let .unix(path): "unix:\(path)"
        case let .tcp(host, port): HostPort.text(host: host, port: port)
        }
    }
}

/// A listen address the controller refuses: the text and why.
public struct ControllerListenAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }
    public var description: String { "controller listen address '\(text)': \(reason)" }
}
