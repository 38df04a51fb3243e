import AdminAPI
import BGPSpeaker

extension HealthCheck {
    /// One check per configured neighbour (dynamic ones come and go and are
    /// not waited for): fine when Established.
    public static func sessions(_ neighbors: [NeighborStatus]) -> [HealthCheck] {
        neighbors.filter { !$0.dynamic }.map { n in
            if n.state == .established {
                return HealthCheck("bgp", n.address, ok: true, "Established for \(n.uptime.map { $0.nanoseconds / 1_000_000_000 } ?? 0) s")
            }
            let last = n.lastError.map { "; last error \($0.error)" } ?? ""
            return HealthCheck("bgp", n.address, ok: false, "session \(n.state.rawValue), not Established\(last)")
        }
    }
}
