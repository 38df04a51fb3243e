import OpenFlow
import OpenFlowTables
import Packets

/// Which local endpoints sent traffic, read from the packet counters of
/// their source flows (table 10, `FlowRole.sourceKnown`): once an endpoint
/// is known the switch forwards its frames without a packet-in, so these
/// counters are how the agent sees that a gleaned endpoint is still there.
public enum SourceCounters {
    /// Packets per endpoint, from a flow-stats reply.
    public static func packets(_ flows: [FlowStats]) -> [EndpointKey: UInt64] {
        var out: [EndpointKey: UInt64] = [:]
        for flow in flows where flow.tableID == Pipeline.Table.source {
            guard FlowCookie(cookie: flow.cookie)?.role == .sourceKnown,
                  let metadata = flow.match[.metadata]?.integerValue,
                  let vni = VNI(rawValue: UInt32(truncatingIfNeeded: metadata)),
                  let source = flow.match[.ethSrc]?.integerValue else { continue }
            out[EndpointKey(vni: vni, mac: EthernetAddress(rawValue: source)), default: 0] &+= flow.counters.packetCount
        }
        return out
    }

    /// The endpoints whose count differs between two readings (a flow
    /// replaced by the controller restarts from zero: also activity).
    public static func active(before: [EndpointKey: UInt64], now: [EndpointKey: UInt64]) -> [EndpointKey] {
        now.filter { before[$0.key] != $0.value }.keys.sorted()
    }
}
