/// `HOST:PORT` with an IPv6 host in brackets (`[::1]:6653`), so that its
/// colons are not read as the port's (RFC 3986 §3.2.2). The one place that
/// brackets a host and the one that splits such text: listen addresses,
/// OVS targets, collectors and TCP endpoints are all written and read
/// through it; what a host may be (an address literal, a name) is the
/// caller's to check.
public enum HostPort {
    /// `host` is an IP address (IPv6 without brackets) or a host name.
    public static func text(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public static func text(_ address: IPAddress, port: Int) -> String {
        text(host: address.description, port: port)
    }

    /// `HOST:PORT` or `[IPV6]:PORT` split at the port's colon: the host,
    /// brackets dropped, and the port, decimal 0-65535. Brackets hold an
    /// IPv6 address and nothing else; a host with a colon must be in them.
    public static func parse(_ text: some StringProtocol) throws(HostPortError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort }
        let digits = text[text.index(after: colon)...]
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ ("0"..."9").contains($0) }), let port = Int(digits), port <= 65535 else {
            throw .badPort
        }
        var host = text[..<colon]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), IPv6Address(String(host.dropFirst().dropLast())) != nil else { throw .notIPv6InBrackets }
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            throw .unbracketedIPv6
        }
        return (String(host), port)
    }
}

/// Why a text is not `HOST:PORT`.
public enum HostPortError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No colon, so no port.
    case missingPort
    /// What follows the last colon is not a decimal number 0-65535.
    case badPort
    /// A host with a colon outside brackets: an IPv6 address needs them.
    case unbracketedIPv6
    /// Brackets around something other than an IPv6 address.
    case notIPv6InBrackets

    public var description: String {
        switch self {
        case .missingPort: "expected HOST:PORT"
        case .badPort: "the port must be in 0...65535"
        case .unbracketedIPv6: "an IPv6 host goes in brackets: [IPV6]:PORT"
        case .notIPv6InBrackets: "brackets hold an IPv6 address"
        }
    }
}
