import OpenFlowTables

/// The meter in front of the flows that send ARP and neighbour solicitations
/// to the controller: a tenant that floods address resolution (a scan, a
/// misconfigured host) is dropped in OVS above the rate instead of loading
/// the agent and the switch's controller channel. One per bridge, shared by
/// every tenant.
public enum AddressResolutionMeter {
    public static let id = IDSpace.swiftplaneMeters.id(1)

    /// Drops above `packetsPerSecond`, with a burst of one second's worth.
    public static func entry(packetsPerSecond rate: UInt32) -> MeterEntry {
        .dropping(id: id, packetsPerSecond: rate, burst: rate)
    }
}
