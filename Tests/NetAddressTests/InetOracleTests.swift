#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NetAddress
import Testing

/// The C library's inet_pton/inet_ntop as an independent oracle: they
/// implement RFC 4291 text and (glibc, BSD) RFC 5952 output.
@Suite struct InetOracleTests {
    static func pton6(_ text: String) -> [UInt8]? {
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
        return withUnsafeBytes(of: &raw) { Array($0) }
    }

    static func ntop6(_ bytes: [UInt8]) -> String? {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &out, socklen_t(out.count)) != nil else { return nil }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func pton4(_ text: String) -> [UInt8]? {
        var raw = in_addr()
        guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
        return withUnsafeBytes(of: &raw) { Array($0) }
    }

    /// Texts both parsers must agree on, accepted or not.
    @Test(arguments: [
        "2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "::", "::1", "fe80::", "1::", "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8", "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "ABCD:ef01::", "0:0:0:0:0:0:0:0",
        "", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "1:2:3:4:5:6:7:8::",
        "::1.2.3", "1:", "+1::", "::-0", "1.2.3.4", "1.2.3.4::", "::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4",
        "1:::2", "::ffff:01.2.3.4", "::ffff:256.1.1.1", ":1::", "1::2:", " ::1", "::1 ",
    ])
    func ipv6ParsingAgrees(text: String) {
        #expect(IPv6Address(text)?.bytes == Self.pton6(text), "\(text)")
    }

    @Test(arguments: [
        "10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.200", "", "1.2.3", "1.2.3.4.5", "256.0.0.1",
        "01.2.3.4", "1.2.3.-4", "+1.2.3.4", "a.b.c.d", "1..2.3", "1.2.3.4 ", "1000.2.3.4", "0x1.2.3.4",
    ])
    func ipv4ParsingAgrees(text: String) {
        #expect(IPv4Address(text)?.bytes == Self.pton4(text), "\(text)")
    }

    /// RFC 5952 output over many addresses with zero runs of every length and
    /// place (the ties and the one-group run are where printers go wrong).
    /// The C library writes ::a.b.c.d and ::ffff:a.b.c.d forms in dotted
    /// quad; RFC 5952 §5 leaves that optional, so those are skipped.
    @Test func ipv6TextMatchesInetNtop() {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        var compared = 0
        for _ in 0..<4000 {
            var groups: [UInt16] = []
            for _ in 0..<8 {
                // xorshift64: deterministic, so a failure reproduces.
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                groups.append(state % 3 == 0 ? UInt16(truncatingIfNeeded: state >> 20) : 0)
            }
            guard let address = IPv6Address(groups: groups) else { Issue.record("8 groups rejected"); return }
            if address.high == 0 && (address.low >> 32 == 0 || address.low >> 32 == 0xffff) { continue }
            #expect(address.description == Self.ntop6(address.bytes), "\(groups)")
            #expect(IPv6Address(address.description) == address)
            compared += 1
        }
        #expect(compared > 3000)
    }
}
