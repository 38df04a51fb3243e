/// The protocol layer a decoder was reading when it stopped.
public enum PacketLayer: String, Sendable, Hashable {
    case ethernet, vlan, arp, ipv4, ipv6, ipv6ExtensionHeader, icmpv4, icmpv6, neighborDiscovery, udp, tcp, vxlan, dhcp
}

/// Why a decoder refused its input: which layer, what, and at which byte
/// offset of the outermost buffer handed to the decoder.
public struct PacketError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The layer needs `needed` bytes from `offset`, only `available` are there.
        case truncated(needed: Int, available: Int)
        /// A field holds a value the layer cannot have.
        case invalidField(String)
        /// Valid on the wire, but not a form this module decodes.
        case unsupported(String)
    }

    public var layer: PacketLayer
    public var reason: Reason
    public var offset: Int

    public init(_ layer: PacketLayer, _ reason: Reason, at offset: Int) {
        self.layer = layer
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        switch reason {
        case let .truncated(needed, available):
            return "\(layer.rawValue): truncated at offset \(offset): needs \(needed) bytes, \(available) available"
        case let .invalidField(what):
            return "\(layer.rawValue): invalid \(what) at offset \(offset)"
        case let .unsupported(what):
            return "\(layer.rawValue): unsupported \(what) at offset \(offset)"
        }
    }
}
