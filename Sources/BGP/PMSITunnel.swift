import NIOCore

/// P-Multicast Service Interface tunnel attribute (RFC 6514 §5).
/// EVPN ingress replication uses tunnel type 6 with the VNI as the label and
/// the originating VTEP's address as the tunnel identifier (RFC 8365 §5.1.3).
public struct PMSITunnel: Hashable, Sendable {
    public struct TunnelType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let noTunnelInformation = TunnelType(rawValue: 0)
        public static let ingressReplication = TunnelType(rawValue: 6)
    }
    /// Bit 0x01 is "leaf information required".
    public var flags: UInt8
    public var tunnelType: TunnelType
    public var label: MPLSLabel
    /// Format depends on the tunnel type; for ingress replication an address.
    public var tunnelIdentifier: [UInt8]

    public init(flags: UInt8 = 0, tunnelType: TunnelType, label: MPLSLabel, tunnelIdentifier: [UInt8]) {
        self.flags = flags; self.tunnelType = tunnelType; self.label = label; self.tunnelIdentifier = tunnelIdentifier
    }

    public static func ingressReplication(vni: UInt32, endpoint: IPAddress) -> PMSITunnel {
        PMSITunnel(tunnelType: .ingressReplication, label: .vni(vni), tunnelIdentifier: endpoint.bytes)
    }

    /// The tunnel identifier read as an address (ingress replication).
    public var tunnelEndpoint: IPAddress? { IPAddress(bytes: tunnelIdentifier) }
}
