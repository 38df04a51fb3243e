import NIOCore

/// What the transport layer needs of the IPv4 or IPv6 packet that carries it.
protocol IPPacket {
    /// A fragment after the first: no transport header in it.
    var isNonInitialFragment: Bool { get }
    /// The protocol of the payload (for IPv6, after the extension headers).
    var upperLayerProtocol: IPProtocol { get }
    var payload: ByteBuffer { get }
    /// Where the payload starts, counted from the start of the IP header.
    var payloadOffset: Int { get }
}

extension IPv6Packet: IPPacket {}

extension IPv4Packet: IPPacket {
    var upperLayerProtocol: IPProtocol { self.protocol }
    var payloadOffset: Int { headerLength }
}
