import OpenFlow
import OpenFlowTables
import Packets

/// The OpenFlow groups (type ALL) of a tenant in ingress-replication mode
/// (RFC 7432 section 8.3 / RFC 8365 section 8: each broadcast frame is copied
/// once per remote VTEP that sent a type-3 route, plus once per local port).
/// Two per VNI, for split horizon: a frame that came from the tunnel goes to
/// the local ports only and never back into the overlay.
public enum FloodGroup: UInt32, Sendable, Hashable, CaseIterable {
    /// From a local port: every local port of the tenant and every remote VTEP.
    case everywhere = 0
    /// From the tunnel: the local ports only.
    case localPorts = 1

    public static let space = IDSpace.swiftplaneGroups

    /// Bit 24 says which of the two, the low 24 bits are the VNI.
    public func id(_ vni: VNI) -> UInt32 { Self.space.id(rawValue << 24 | vni.rawValue) }

    /// The group for `vni` on a bridge. A bucket that outputs to the port the
    /// frame came in on sends nothing (OpenFlow never outputs to the in_port
    /// unless told IN_PORT), so the sender never gets its own broadcast back.
    func entry(_ vni: VNI, localPorts: [UInt32], remoteVTEPs: [VTEP], vxlanPort: UInt32) -> GroupEntry {
        var buckets = localPorts.map { Bucket(actions: [.output($0)]) }
        if self == .everywhere {
            buckets += remoteVTEPs.map { vtep in
                Bucket(actions: [.setField(OXMField(.tunnelID, UInt64(vni.rawValue))),
                                 .setField(vtep.tunnelDestination),
                                 .output(vxlanPort)])
            }
        }
        return GroupEntry(id: id(vni), .all, buckets: buckets)
    }
}
