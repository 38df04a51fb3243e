import NetAddress
import Testing

@Suite struct HostPortTests {
    /// Host, port, and the text: IPv4, IPv6 (bracketed), host names (not).
    static let vectors: [(String, Int, String)] = [
        ("127.0.0.1", 6653, "127.0.0.1:6653"),
        ("0.0.0.0", 0, "0.0.0.0:0"),
        ("::1", 6653, "[::1]:6653"),
        ("::", 179, "[::]:179"),
        ("2001:db8::a:1", 11019, "[2001:db8::a:1]:11019"),
        ("::ffff:10.0.0.1", 65535, "[::ffff:10.0.0.1]:65535"),
        ("collector.example", 11019, "collector.example:11019"),
        ("localhost", 6640, "localhost:6640"),
    ]

    @Test(arguments: vectors)
    func text(host: String, port: Int, text: String) {
        #expect(HostPort.text(host: host, port: port) == text)
    }

    /// From an address value (the vectors whose host is an address in its
    /// own printed form): the same text.
    @Test(arguments: vectors.filter { IPAddress($0.0)?.description == $0.0 })
    func fromAddress(host: String, port: Int, text: String) throws {
        let address = try #require(IPAddress(host))
        #expect(HostPort.text(address, port: port) == text)
    }

    /// What the text says, split: each vector's text reads back as its host and port.
    @Test(arguments: vectors)
    func parse(host: String, port: Int, text: String) throws {
        let (parsedHost, parsedPort) = try HostPort.parse(text)
        #expect(parsedHost == host && parsedPort == port)
    }

    @Test(arguments: [
        ("", HostPortError.missingPort), ("6653", .missingPort), ("localhost", .missingPort),
        ("127.0.0.1:", .badPort), ("127.0.0.1:65536", .badPort), ("127.0.0.1:6653x", .badPort), ("127.0.0.1:+80", .badPort),
        ("127.0.0.1:-1", .badPort), ("127.0.0.1:\u{0664}", .badPort), ("[::1]:", .badPort),
        ("::1:179", .unbracketedIPv6), ("fd00::9", .unbracketedIPv6), ("a:b:179", .unbracketedIPv6),
        ("[10.0.0.1]:179", .notIPv6InBrackets), ("[::1:179", .notIPv6InBrackets), ("[fe80::1%eth0]:6653", .notIPv6InBrackets),
        ("[collector]:11019", .notIPv6InBrackets),
    ])
    func parseRefuses(text: String, error: HostPortError) {
        #expect(throws: error) { try HostPort.parse(text) }
    }
}
