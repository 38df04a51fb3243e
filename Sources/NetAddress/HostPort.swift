/// `HOST:PORT` with an IPv6 host in brackets (`[::1]:6653`), so that its
/// colons are not read as the port's (RFC 3986 §3.2.2). The one place that
/// brackets a host: listen addresses, OVS targets, collectors and TCP
/// endpoints are all written through it.
public enum HostPort {
    /// `host` is an IP address (IPv6 without brackets) or a host name.
    public static func text(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public static func text(_ address: IPAddress, port: Int) -> String {
        text(host: address.description, port: port)
    }
}
