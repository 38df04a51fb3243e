import BGP
import BGPSpeaker
import Foundation
import NIOCore
import Testing
import TestSupport

/// Whether this machine has ::1 (a kernel with IPv6 on loopback).
let loopbackIPv6: Bool = {
    let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_addr.__in6_u.__u6_addr8.15 = 1
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
    }
}()

@Suite("BGP over IPv6: neighbours, accept ranges and listen addresses of either family")
struct IPv6AddressingTests {
    struct RangeCase: Sendable, CustomStringConvertible {
        var range: String
        var address: String
        var contains: Bool?
        var description: String { "\(range) \(address)" }
    }

    /// nil: the range does not parse.
    static let ranges = [
        RangeCase(range: "fd00:9::/64", address: "fd00:9::5", contains: true),
        RangeCase(range: "fd00:9::/64", address: "fd00:9:0:1::5", contains: false),
        RangeCase(range: "fd00:9::/63", address: "fd00:9:0:1::5", contains: true),
        RangeCase(range: "fd00:9::1/128", address: "fd00:9::1", contains: true),
        RangeCase(range: "fd00:9::1/128", address: "fd00:9::2", contains: false),
        RangeCase(range: "::/0", address: "2001:db8::1", contains: true),
        RangeCase(range: "::/0", address: "10.0.0.1", contains: false),
        RangeCase(range: "10.0.0.0/8", address: "::ffff:10.0.0.1", contains: false),
        RangeCase(range: "10.0.0.0/8", address: "10.200.0.1", contains: true),
        RangeCase(range: "fd00::/129", address: "fd00::1", contains: nil),
        RangeCase(range: "10.0.0.0/33", address: "10.0.0.1", contains: nil),
        RangeCase(range: "fd00::", address: "fd00::1", contains: nil),
    ]

    @Test(arguments: ranges)
    func acceptRange(_ c: RangeCase) throws {
        let range = NeighborRange(c.range)
        #expect((range != nil) == (c.contains != nil))
        guard let range, let wanted = c.contains else { return }
        #expect(range.contains(try #require(IPAddress(c.address))) == wanted)
        #expect("\(range)" == c.range)
    }
}

/// Two speakers in this process over ::1, the listener keyed for the range
/// ::/64 (TCP MD5, TCP_MD5SIG_EXT with an IPv6 prefix), the dialer keyed for
/// its neighbour ::1 (TCP_MD5SIG with an IPv6 address): Established with the right password; with a wrong one the
/// kernel drops the SYN and the listener never sees a connection.
@Suite("BGP over IPv6 with TCP MD5", .serialized, .enabled(if: loopbackIPv6, "no ::1 on this machine"))
struct IPv6SessionTests {
    static let secret = "swiftplane-md5-v6"
    static let loopback = IPAddress("::1")!

    func session(dialerPassword: String, seconds: Double) async throws -> (dialer: Set<SessionState>, listenerConnected: Bool) {
        let logs = LogCapture()
        let listener = Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), listenHost: "::1", listenPort: 0,
            accept: [NeighborRange(address: IPAddress("::")!, length: 64, password: Self.secret)]), logger: logs.logger)
        let port = try await listener.start().port ?? 0
        let dialer = Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: IPv4Address(127, 0, 0, 2), listenHost: "::1", listenPort: 0,
            neighbors: [NeighborConfiguration(address: Self.loopback, port: port, peerAS: 65000, password: dialerPassword)],
            connectRetryTime: .seconds(1)))
        try await dialer.start()
        var seen: Set<SessionState> = []
        let end = Date().addingTimeInterval(seconds)
        while Date() < end, !seen.contains(.established) {
            for n in await dialer.neighbors() { seen.insert(n.state) }
            try await Task.sleep(for: .milliseconds(100))
        }
        let listenerSide = await listener.neighbors()
        if seen.contains(.established) {
            #expect(listenerSide.map(\.address) == ["::1"] && listenerSide.first?.state == .established, "\(listenerSide)")
        }
        await dialer.shutdown()
        await listener.shutdown()
        return (seen, logs.all.contains { $0.message == "connected" })
    }

    @Test("the right password: Established both ways over [::1]")
    func signed() async throws {
        let result = try await session(dialerPassword: Self.secret, seconds: 10)
        #expect(result.dialer.contains(.established), "\(result.dialer)")
    }

    @Test("a wrong password: no TCP connection at all")
    func wrongPassword() async throws {
        let result = try await session(dialerPassword: "not-the-secret", seconds: 3)
        #expect(result.dialer.isDisjoint(with: [.openSent, .openConfirm, .established]), "\(result.dialer)")
        #expect(!result.listenerConnected)
    }
}

/// The built swiftplane-rr on [::1] with an IPv6 accept range, a speaker
/// dialling it over IPv6.
@Suite("swiftplane-rr over IPv6", .serialized,
       .enabled(if: loopbackIPv6 && ReflectorProcess.available, "no ::1, or swiftplane-rr not built"))
struct IPv6ReflectorTests {
    /// The listen address, accept range and neighbour from the file (the
    /// flags are the same parsers): `--check-config` takes them.
    @Test("an IPv6 listen address, accept range (signed) and neighbour load")
    func configurationFile() throws {
        let (_, r) = try Command.checkConfig(Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr", """
            as: 65000
            router-id: 10.0.0.1
            listen: '[::1]:11179'
            accept: [{prefix: 'fd00:9::/64', password: s3cret}]
            neighbors: [{address: 'fd00:9::7', port: 1179}]
            """)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("listens on [::1]:PORT and admits a peer of ::1/128 that dials it over IPv6")
    func reflectorOnIPv6() async throws {
        let port = freeLoopbackPort()
        let rr = try ReflectorProcess.start(["--as", "65000", "--router-id", "127.0.0.1", "--listen", "[::1]:\(port)",
                                             "--accept", "::1/128"])
        defer { rr.stop() }
        let speaker = Speaker(SpeakerConfiguration(
            localAS: 65000, routerID: IPv4Address(127, 0, 0, 9), listenHost: "::1", listenPort: 0,
            neighbors: [NeighborConfiguration(address: IPAddress("::1")!, port: port, peerAS: 65000, routeReflectorClient: false)],
            connectRetryTime: .seconds(1)))
        try await speaker.start()
        let up = await eventually(15, every: .milliseconds(100)) {
            await speaker.neighbors().contains { $0.state == .established }
        }
        let states = await speaker.neighbors().map(\.state)
        #expect(up, "\(states)")
        await speaker.shutdown()
    }
}
