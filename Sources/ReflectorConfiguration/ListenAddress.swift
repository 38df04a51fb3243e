import BGP

/// `IPV4:PORT` where the reflector listens, from `--listen` or `listen:`.
public struct ListenAddress: Sendable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// Named as ArgumentParser's ExpressibleByArgument asks, so the flag can use it as it is.
    public init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let p = Int(argument[argument.index(after: colon)...]), (0...65535).contains(p),
              IPv4Address(String(argument[..<colon])) != nil else { return nil }
        host = String(argument[..<colon])
        port = p
    }
}
