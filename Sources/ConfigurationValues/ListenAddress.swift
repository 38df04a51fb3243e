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
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), let address = IPv6Address(String(text[text.index(after: text.startIndex)..<close])) else {
                return nil
            }
            let rest = text[text.index(after: close)...]
            if rest.isEmpty, let defaultPort { return (.v6(address), defaultPort) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (.v6(address), port)
        }
        if let defaultPort, let address = IPAddress(text) { return (address, defaultPort) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              let address = IPv4Address(String(text[..<colon])) else { return nil }
        return (.v4(address), port)
    }
}
