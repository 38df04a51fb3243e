import Metrics
import OpenFlow
import Overlay
import Packets

/// The agent's event counters (swift-metrics; Prometheus when bootstrapped).
/// Recorded by the daemon at its edges, never inside `AgentCore`.
struct AgentMetrics: Sendable {
    /// A packet-in, by the pipeline role of the flow that sent it (its
    /// cookie), else by the OpenFlow reason.
    func packetIn(_ packetIn: PacketIn) {
        let reason = FlowCookie(cookie: packetIn.cookie)?.role.description ?? packetIn.reason.description
        Counter(label: "openflow_packet_ins_total", dimensions: [("reason", reason)]).increment()
    }

    /// An ARP reply or neighbour advertisement the agent sent back.
    func answered(_ reply: PacketOut) {
        let isARP = if case .arp? = (try? DecodedFrame(decoding: reply.data))?.network { true } else { false }
        Counter(label: "agent_address_resolution_answered_total", dimensions: [("protocol", isARP ? "arp" : "nd")]).increment()
    }

    /// A switch matched to its bridge: its drift counter exists from now on
    /// (at 0), so a rate over it, and the alert on it, has a series to read.
    func switchUp(_ dpid: String) {
        _ = Counter(label: "swiftplane_flow_drift_total", dimensions: [("dpid", dpid)])
    }

    func error(_ kind: String, count: Int = 1) {
        Counter(label: "swiftplane_errors_total", dimensions: [("kind", kind)]).increment(by: count)
    }
}
