import BGP
import Overlay

/// Since when the agent holds each MAC as it is now, for the age column of
/// `swiftplanectl evpn macs`: a local endpoint (configured or OVSDB) since it
/// appeared on its port or last changed there, a remote MAC since its latest
/// route arrived or changed (by MAC: one stamp for every VNI it is in). A
/// gleaned endpoint's age is its silence, which the core keeps for expiry.
/// Fed the machine's events as the daemon hands them over; kept to the MACs
/// that exist (`prune`), so churn never grows it.
public struct MACAges: Sendable {
    private var local: [String: [EndpointKey: (endpoint: Endpoint, since: ContinuousClock.Instant)]] = [:]
    private var remote: [EthernetAddress: ContinuousClock.Instant] = [:]
    /// Remote stamps at the last prune: past twice that, `needsPrune`.
    private var prunedAt = 0

    public init() {}

    public mutating func observe(_ event: AgentStateMachine.Event, at now: ContinuousClock.Instant) {
        switch event {
        case let .databaseRead(bridge, _, ports, _), let .portsChanged(bridge, ports, _):
            stamp(bridge, ports, at: now)
        case let .reconfigured(_, _, ports, _, _):
            for (bridge, snapshot) in ports { stamp(bridge, snapshot, at: now) }
            for bridge in local.keys where ports[bridge] == nil { local[bridge] = nil }
        case let .routesChanged(changes):
            for (route, path) in changes where path != nil {
                if case let .macIPAdvertisement(r) = route { remote[r.mac] = now }
            }
        default:
            break
        }
    }

    /// The bridge's configured and OVSDB endpoints now: each keeps its stamp
    /// while it stays as it was, a new or changed one is stamped `now`.
    public mutating func stamp(_ bridge: String, _ ports: AgentCore.PortSnapshot, at now: ContinuousClock.Instant) {
        let old = local[bridge] ?? [:]
        var next: [EndpointKey: (endpoint: Endpoint, since: ContinuousClock.Instant)] = [:]
        for endpoint in ports.endpoints {
            let key = endpoint.key
            next[key] = old[key].flatMap { $0.endpoint == endpoint ? $0 : nil } ?? (endpoint, now)
        }
        local[bridge] = next
    }

    /// When a configured or OVSDB endpoint of the bridge appeared as it is.
    public func localSince(_ bridge: String, _ key: EndpointKey) -> ContinuousClock.Instant? { local[bridge]?[key]?.since }

    /// When the MAC's latest remote route arrived.
    public func remoteSince(_ mac: EthernetAddress) -> ContinuousClock.Instant? { remote[mac] }

    /// The remote stamps have doubled since the last prune.
    public var needsPrune: Bool { remote.count > 2 * prunedAt + 1024 }

    /// Forgets remote MACs no route holds any more.
    public mutating func prune(remoteMACs: Set<EthernetAddress>) {
        remote = remote.filter { remoteMACs.contains($0.key) }
        prunedAt = remote.count
    }
}
