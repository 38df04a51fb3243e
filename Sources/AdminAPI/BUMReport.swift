/// `GET /bum`: broadcast, multicast and unknown-unicast frames dropped per
/// VNI, summed over the switches from the drop flows' own counters.
public struct BUMReport: Codable, Hashable, Sendable {
    public var vni: UInt32
    public var broadcastPackets: UInt64
    public var multicastPackets: UInt64
    public var unknownUnicastPackets: UInt64
    public var bytes: UInt64
    /// The switches whose counters were read.
    public var switches: Int

    public init(vni: UInt32, broadcastPackets: UInt64 = 0, multicastPackets: UInt64 = 0, unknownUnicastPackets: UInt64 = 0,
                bytes: UInt64 = 0, switches: Int = 0) {
        self.vni = vni; self.broadcastPackets = broadcastPackets; self.multicastPackets = multicastPackets
        self.unknownUnicastPackets = unknownUnicastPackets; self.bytes = bytes; self.switches = switches
    }

    public var totalPackets: UInt64 { broadcastPackets &+ multicastPackets &+ unknownUnicastPackets }
}
