import OpenFlow
import OpenFlowTables

/// The meters of the copies of unknown-source frames sent to the controller
/// for gleaning, one per tenant present on the bridge, so that a tenant
/// flooding new source MACs uses up its own rate, not the others'. They
/// meter the copy only (the controller action's meter, NXAST_CONTROLLER2
/// meter_id): the frame itself goes on.
public enum GleaningMeter {
    /// Ids 2...255 of swiftplane's meter space (1 is `AddressResolutionMeter`),
    /// given to the tenants in VNI order; past the 254th they share the last.
    static let first: UInt32 = 2
    static let count = 254

    /// The meter of the tenant at `index` in the bridge's sorted VNIs.
    public static func id(index: Int) -> UInt32 {
        IDSpace.swiftplaneMeters.id(first + UInt32(min(index, count - 1)))
    }

    /// Drops above `packetsPerSecond`, with a burst of one second's worth.
    public static func entry(index: Int, packetsPerSecond rate: UInt32) -> MeterEntry {
        .dropping(id: id(index: index), packetsPerSecond: rate, burst: rate)
    }
}
