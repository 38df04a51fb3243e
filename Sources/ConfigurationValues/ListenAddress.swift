import NetAddress

/// `IPV4:PORT` or `[IPV6]:PORT` where the reflector listens, from
/// `--listen` or `listen:`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// HOST:PORT as an operator writes it: an IPv6 host in brackets.
    public var description: String { HostPort.text(host: host, port: port) }

    /// Named as ArgumentParser's ExpressibleByArgument asks, so the flag can use it as it is.
    public init?(argument: String) {
        guard let (address, port) = Self.hostPort(argument) else { return nil }
        host = "\(address)"
        self.port = port
    }

    /// `IPV4:PORT` or `[IPV6]:PORT`, port 0-65535; `defaultPort` makes the
    /// port optional (`IPV4`, `IPV6` or `[IPV6]` alone).
    public static func hostPort(_ text: String, defaultPort: Int? = nil) -> (IPAddress, Int)? {
        if let defaultPort {
            if let address = IPAddress(text) { return (address, defaultPort) }
            if text.hasPrefix("["), text.hasSuffix("]"), let address = IPv6Address(String(text.dropFirst().dropLast())) { return (.v6(address), defaultPort) }
        }
        guard let (host, port) = try? HostPort.parse(text), let address = IPAddress(host) else { return nil }
        return (address, port)
    }
}
