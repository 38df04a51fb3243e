import NetAddress
import SocketFile

/// Where a daemon's admin API listens: a unix socket (the default: file
/// permissions decide who may ask), or a TCP address that must be on
/// loopback unless the operator explicitly allows otherwise.
public enum AdminAddress: Hashable, Sendable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    public static let routeReflectorDefault = AdminAddress.unix(path: "/run/swiftplane/rr.sock")
    public static let agentDefault = AdminAddress.unix(path: "/run/swiftplane/agent.sock")

    /// `/path/to.sock`, `unix:/path`, `HOST:PORT` or `[IPv6]:PORT`. A TCP
    /// host must be an address literal; off loopback only with `allowNonLoopback`.
    public init(parsing text: String, allowNonLoopback: Bool = false) throws(AdminAddressError) {
        if text.hasPrefix("unix:") {
            self = .unix(path: String(text.dropFirst(5)))
        } else if text.hasPrefix("/") || text.hasPrefix(".") {
            self = .unix(path: text)
        } else {
            let (host, port): (String, Int)
            do throws(HostPortError) {
                (host, port) = try HostPort.parse(text)
            } catch .missingPort, .badPort {
                throw AdminAddressError(text: text, reason: "expected a socket path or HOST:PORT with a port 0-65535")
            } catch {
                throw AdminAddressError(text: text, reason: error.description)
            }
            guard let address = IPAddress(host) else {
                throw AdminAddressError(text: text, reason: "the host must be an IPv4 or IPv6 address literal")
            }
            guard address.isLoopback || allowNonLoopback else {
                throw AdminAddressError(text: text, reason: "not a loopback address: the admin API has no authentication; allow it explicitly to listen there")
            }
            self = .tcp(host: host, port: port)
        }
        if case let .unix(path) = self {
            do throws(UnixSocketFileError) {
                _ = try UnixSocketFile(path: path)
            } catch {
                throw AdminAddressError(text: text, reason: error.reason)
            }
        }
    }

    public var description: String {
        switch self {
        case let .unix(path): path
        case let .tcp(host, port): HostPort.text(host: host, port: port)
        }
    }
}

/// An admin address the daemon refuses, with the text and the reason.
public struct AdminAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    /// "admin address", or "metrics address" for the metrics listener.
    public var what = "admin address"
    public init(text: String, reason: String, what: String = "admin address") {
        self.text = text
        self.reason = reason
        self.what = what
    }
    public var description: String { "invalid \(what) '\(text)': \(reason)" }
}
