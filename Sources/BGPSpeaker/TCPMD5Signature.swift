import BGP
import ConfigurationValues
#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// An RFC 2385 TCP MD5 signature key for one peer, set with Linux's
/// TCP_MD5SIG socket option: on the listening socket (one key per neighbour
/// address, so the kernel signs and checks that peer's SYN) and on an
/// outgoing socket before it connects. A segment without the right
/// signature is dropped by the kernel, so a peer with a wrong or missing
/// password never completes the TCP handshake, let alone sends an OPEN.
public struct TCPMD5Signature: Hashable, Sendable {
    public static let maximumKeyLength = TCPMD5Key.maximumLength

    /// An IPv4 or IPv6 peer (the kernel keys by the socket address of either family).
    public var peer: IPAddress
    /// 32 (128 for IPv6) for one peer; shorter for a range of peers
    /// (TCP_MD5SIG_EXT with a prefix, Linux 4.13+): the kernel takes the
    /// longest prefix that matches.
    public var prefixLength: UInt8
    /// The key; empty removes the peer's key from a listening socket.
    public var key: [UInt8]

    public init(peer: IPAddress, password: String) {
        self.peer = peer
        prefixLength = peer.bitCount
        key = Array(password.utf8)
    }

    public init(peer: IPv4Address, password: String) { self.init(peer: .v4(peer), password: password) }

    /// One key for every peer in a range (on a listening socket).
    public init(range address: IPAddress, length: UInt8, password: String) {
        peer = address
        prefixLength = min(length, address.bitCount)
        key = Array(password.utf8)
    }

    public init(range: IPv4Prefix, password: String) { self.init(range: .v4(range.address), length: range.length, password: password) }

    /// A key for a range rather than one address.
    var isRange: Bool { prefixLength < peer.bitCount }


    #if os(Linux)
    /// The kernel's `struct tcp_md5sig` for this peer and key. An IPv6
    /// socket (a listener on ::) takes an IPv4 peer as its IPv4-mapped
    /// address (::ffff:a.b.c.d), its prefix 96 bits longer.
    func option(onIPv6Socket: Bool) -> tcp_md5sig {
        var o = tcp_md5sig()
        var peer = peer, prefixLength = prefixLength
        if onIPv6Socket, case let .v4(address) = peer {
            peer = .v6(IPv6Address(high: 0, low: 0xffff_0000_0000 | UInt64(address.rawValue)))
            prefixLength += 96
        }
        switch peer {
        case let .v4(address):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_addr.s_addr = address.rawValue.bigEndian
            withUnsafeMutableBytes(of: &o.tcpm_addr) { to in
                withUnsafeBytes(of: sin) { to.copyMemory(from: $0) }
            }
        case let .v6(address):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { to in
                address.bytes.withUnsafeBytes { to.copyMemory(from: $0) }
            }
            withUnsafeMutableBytes(of: &o.tcpm_addr) { to in
                withUnsafeBytes(of: sin6) { to.copyMemory(from: $0) }
            }
        }
        let n = min(key.count, Self.maximumKeyLength)
        o.tcpm_keylen = UInt16(n)
        if isRange {
            o.tcpm_flags = UInt8(TCP_MD5SIG_FLAG_PREFIX)
            o.tcpm_prefixlen = prefixLength
        }
        withUnsafeMutableBytes(of: &o.tcpm_key) { to in
            key.prefix(n).withUnsafeBytes { to.copyMemory(from: $0) }
        }
        return o
    }
    #endif

    /// Sets (or with an empty key, removes) the key on a socket channel.
    public func apply(to channel: any Channel) -> EventLoopFuture<Void> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(TCPMD5SignatureError(peer: peer, reason: "not a socket channel"))
        }
        // The extended option reads the prefix fields; the plain one ignores them.
        let name = isRange ? TCP_MD5SIG_EXT : TCP_MD5SIG
        let onIPv6Socket = if case .v6? = channel.localAddress { true } else { false }
        return provider.unsafeSetSocketOption(level: SocketOptionLevel(IPPROTO_TCP), name: SocketOptionName(name),
                                              value: option(onIPv6Socket: onIPv6Socket))
        #else
        return channel.eventLoop.makeFailedFuture(TCPMD5SignatureError(peer: peer, reason: "TCP_MD5SIG is Linux only here"))
        #endif
    }
}

/// Setting a TCP MD5 key failed (for instance a kernel without CONFIG_TCP_MD5SIG).
public struct TCPMD5SignatureError: Error, Hashable, Sendable, CustomStringConvertible {
    public var peer: IPAddress
    public var reason: String
    public var description: String { "TCP MD5 signature for \(peer): \(reason)" }
}
