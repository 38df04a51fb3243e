import BGP
import Foundation
import NIOCore
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The reverse of the capture test: an UPDATE built by this codec, sent over
/// a minimal session (OPEN, KEEPALIVE) to a real gobgpd on loopback, shows up
/// in GoBGP's RIB with the same MAC, IP, RD, RT, label and next hop.
@Suite(.serialized) struct GoBGPAcceptanceTests {
    /// A blocking TCP client on loopback, closed when done.
    final class LoopbackClient {
        let fd: Int32
        init?(from local: String, to remote: String, port: UInt16) {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return nil }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var me = sockaddr_in()
            me.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, local, &me.sin_addr)
            var peer = sockaddr_in()
            peer.sin_family = sa_family_t(AF_INET)
            peer.sin_port = port.bigEndian
            inet_pton(AF_INET, remote, &peer.sin_addr)
            let ok = withUnsafePointer(to: &me) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            } && withUnsafePointer(to: &peer) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if !ok { close(fd); return nil }
        }
        deinit { close(fd) }

        func send(_ m: BGPMessage) {
            let bytes = Wire.bytes(m.encoded())
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        }

        /// Reads until `decoder` yields a message (or the 5 s timeout).
        func receive(_ decoder: inout MessageStreamDecoder) throws -> BGPMessage? {
            while true {
                if let frame = try decoder.next() { return try BGPMessage.decode(frame) }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { return nil }
                decoder.append(chunk[..<n])
            }
        }
    }

    @Test(.enabled(if: GoBGPDaemon.available, "gobgpd/gobgp not installed (Tests/Tools/install-deps)"))
    func gobgpAcceptsACodecBuiltType2Update() async throws {
        // Addresses and ports of our own, so parallel suites do not collide.
        let n = Int.random(in: 100...250)
        let server = "127.0.0.\(n)", client = "127.0.0.\(n + 1)"
        let port = UInt16(freeLoopbackPort())
        let daemon = try GoBGPDaemon(address: server, listenPort: Int(port), neighbors: [.init(address: client, passive: true)])
        defer { daemon.stop() }

        var connection: LoopbackClient?
        _ = await daemon.ready(within: 5) {
            connection = LoopbackClient(from: client, to: server, port: port)
            return connection != nil
        }
        let peer = try #require(connection, "gobgpd did not listen on \(server):\(port)")
        peer.send(.open(Open(asn: 65000, holdTime: 90, bgpIdentifier: IPv4Address(client)!,
                             capabilities: [.multiprotocol(.l2vpnEVPN), .routeRefresh])))
        var decoder = MessageStreamDecoder()
        guard case .open(let theirs)? = try peer.receive(&decoder) else { Issue.record("no OPEN from gobgpd"); return }
        #expect(theirs.asn == 65000)
        peer.send(.keepalive)
        #expect(try peer.receive(&decoder) == .keepalive)

        let route = MACIPAdvertisementRoute(
            rd: .ipv4(IPv4Address(10, 0, 0, 9), 7), mac: EthernetAddress("52:54:00:aa:bb:cc")!,
            ip: IPAddress("10.0.0.21"), label1: .vni(10042))
        peer.send(.update(Update(attributes: PathAttributes([
            PathAttribute(.mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: IPAddress("10.0.0.9")!, nlri: [.evpn(.macIPAdvertisement(route))]))),
            PathAttribute(.origin(.igp)),
            PathAttribute(.asPath(ASPath())),
            PathAttribute(.localPref(100)),
            PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: 10042)), .vxlanEncapsulation])),
        ]))))

        var rib: [String: [[String: Any]]] = [:]
        _ = try await eventually(5, every: .milliseconds(100)) {
            rib = try daemon.evpnRIB()
            return rib.keys.contains { $0.contains("macadv") }
        }
        let key = "[type:macadv][rd:10.0.0.9:7][etag:0][mac:52:54:00:aa:bb:cc][ip:10.0.0.21]"
        let paths = try #require(rib[key], "no \(key) in \(rib.keys.sorted())")
        let path = try #require(paths.first)
        let nlri = try #require((path["nlri"] as? [String: Any])?["value"] as? [String: Any])
        #expect(nlri["mac"] as? String == "52:54:00:aa:bb:cc")
        #expect(nlri["ip"] as? String == "10.0.0.21")
        #expect(nlri["labels"] as? [Int] == [10042])
        let rd = try #require(nlri["rd"] as? [String: Any])
        #expect(rd["admin"] as? String == "10.0.0.9" && rd["assigned"] as? Int == 7)
        let attrs = try #require(path["attrs"] as? [[String: Any]])
        let reach = try #require(attrs.first { $0["type"] as? Int == 14 })
        #expect(reach["nexthop"] as? String == "10.0.0.9")
        let communities = try #require(attrs.first { $0["type"] as? Int == 16 }?["value"] as? [[String: Any]])
        #expect(communities.contains { $0["value"] as? String == "65000:10042" })
        #expect(communities.contains { $0["tunnel_type"] as? Int == 8 })
    }
}
