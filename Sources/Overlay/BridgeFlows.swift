import OpenFlow
import OpenFlowTables
import Packets

/// Everything of a `BridgeState` but its endpoints: ports, tenants,
/// flooding, the VXLAN port, the ARP/ND meter and the secured ports.
public struct BridgeLayout: Hashable, Sendable {
    public var vxlanPort: UInt32
    public var ports: [UInt32: VNI]
    public var ingressReplication: [VNI: [VTEP]]
    public var addressResolutionRate: UInt32?
    public var securedPorts: Set<UInt32>

    public init(vxlanPort: UInt32, ports: [UInt32: VNI] = [:], ingressReplication: [VNI: [VTEP]] = [:],
                addressResolutionRate: UInt32? = nil, securedPorts: Set<UInt32> = []) {
        self.vxlanPort = vxlanPort
        self.ports = ports
        self.ingressReplication = ingressReplication
        self.addressResolutionRate = addressResolutionRate
        self.securedPorts = securedPorts
    }
}

extension BridgeState {
    public var layout: BridgeLayout {
        get { BridgeLayout(vxlanPort: vxlanPort, ports: ports, ingressReplication: ingressReplication,
                           addressResolutionRate: addressResolutionRate, securedPorts: securedPorts) }
        set {
            vxlanPort = newValue.vxlanPort
            ports = newValue.ports
            ingressReplication = newValue.ingressReplication
            addressResolutionRate = newValue.addressResolutionRate
            securedPorts = newValue.securedPorts
        }
    }
}

/// One bridge's flows kept incrementally: fed with endpoints that come, go
/// or change and with layout changes, it returns exactly the flows that
/// change (`FlowChanges`). Work per change is proportional to the change:
/// the endpoint's own flows, and the ARP and ND responders of the IPs it claims
/// (where two endpoints claim one IP, the rank `Pipeline` gives decides).
/// `Pipeline.flows(for: state)` is the reference it always equals.
public struct BridgeFlows: Sendable {
    public private(set) var state: BridgeState
    /// Who claims each (VNI, IP) for the ARP and ND responders.
    private var claims = AddressClaims()
    /// The local endpoints (few): a port change looks only at them.
    private var localKeys: Set<EndpointKey> = []

    public init(state: BridgeState) {
        self.state = BridgeState(vxlanPort: state.vxlanPort, ports: state.ports, ingressReplication: state.ingressReplication,
                                 addressResolutionRate: state.addressResolutionRate, securedPorts: state.securedPorts)
        for endpoint in state.endpoints.values { add(endpoint) }
    }

    /// The endpoints of the bridge that hold `ip` in the tenant, in key order
    /// (usually one): the responders' index, so the agent's own answers
    /// need no index of their own.
    public func endpoints(vni: VNI, holding ip: IPAddress) -> [Endpoint] {
        claims.claimants(of: AddressClaim(vni: vni, ip: ip)).sorted().compactMap { state.endpoints[$0] }
    }

    /// The whole table (for a first computation; a change goes through `apply`).
    public var flows: FlowTable { Pipeline.flows(for: state) }
    public var groups: GroupTable { Pipeline.groups(for: state) }
    public var meters: MeterTable { Pipeline.meters(for: state) }

    /// Applies endpoints added or changed (`upserts`, by key), removed, and
    /// a new layout; returns the flows that change.
    public mutating func apply(upserts: [Endpoint] = [], removals: [EndpointKey] = [], layout: BridgeLayout? = nil) -> FlowChanges {
        var keys = Set(removals)
        for endpoint in upserts { keys.insert(endpoint.key) }
        let newLayout = layout.flatMap { $0 == state.layout ? nil : $0 }
        if let newLayout { keys.formUnion(affected(from: state.layout, to: newLayout)) }
        var touched: Set<AddressClaim> = []
        for key in keys { if let endpoint = state.endpoints[key] { touched.formUnion(Self.claims(of: endpoint)) } }
        for endpoint in upserts { touched.formUnion(Self.claims(of: endpoint)) }

        let before = derivedFlows(keys: keys, claims: touched)
        let baseBefore = newLayout.map { _ in Pipeline.baseFlows(for: state) }
        for key in removals { if let old = state.endpoints[key] { drop(old) } }
        for endpoint in upserts {
            if let old = state.endpoints[endpoint.key] { drop(old) }
            add(endpoint)
        }
        if let newLayout { state.layout = newLayout }
        let after = derivedFlows(keys: keys, claims: touched)

        var changes = FlowChanges()
        Self.diff(before, after, into: &changes)
        if let baseBefore {
            let baseAfter = Pipeline.baseFlows(for: state)
            changes.merge(FlowChanges(replacing: baseBefore, with: baseAfter))
        }
        return changes
    }

    /// The endpoints whose flows a layout change may change: all of them when
    /// the VXLAN port or the meter's presence changes, else those of tenants
    /// that appear or leave, and the local ones on ports that changed (their
    /// tenant, or whether they are secured).
    private func affected(from old: BridgeLayout, to new: BridgeLayout) -> Set<EndpointKey> {
        if old.vxlanPort != new.vxlanPort || (old.addressResolutionRate == nil) != (new.addressResolutionRate == nil) {
            return Set(state.endpoints.keys)
        }
        var out: Set<EndpointKey> = []
        let vnisChanged = Set(old.ports.values).symmetricDifference(Set(new.ports.values))
        if !vnisChanged.isEmpty {
            for key in state.endpoints.keys where vnisChanged.contains(key.vni) { out.insert(key) }
        }
        let portsChanged = Set(old.ports.keys).union(new.ports.keys).filter { old.ports[$0] != new.ports[$0] }
            .union(old.securedPorts.symmetricDifference(new.securedPorts))
        if !portsChanged.isEmpty {
            for key in localKeys {
                if case let .local(port)? = state.endpoints[key]?.location, portsChanged.contains(port) { out.insert(key) }
            }
        }
        return out
    }

    /// The flows of these endpoints and of these claimed IPs, as the state is now.
    private func derivedFlows(keys: Set<EndpointKey>, claims touched: Set<AddressClaim>) -> [FlowKey: FlowEntry] {
        var out: [FlowKey: FlowEntry] = [:]
        // Room for what comes, so a large change is hashed once, not again as
        // the table grows: a local endpoint's own flows (four at most without
        // port security), a remote one's forward flow, and per claimed
        // address its responder and the owner's guard. Endpoints not (yet)
        // in the state have none: the "before" of an addition reserves nothing.
        var room = 0
        for key in keys { if let endpoint = state.endpoints[key] { room += endpoint.location.isLocal ? 4 : 1 } }
        for claim in touched where claims.isClaimed(claim) { room += 2 }
        out.reserveCapacity(room)
        let localVNIs = Set(state.ports.values)
        func included(_ endpoint: Endpoint) -> Bool { Pipeline.includes(endpoint, ports: state.ports, localVNIs: localVNIs) }
        for key in keys {
            guard let endpoint = state.endpoints[key], included(endpoint) else { continue }
            if case let .local(port) = endpoint.location {
                for flow in Pipeline.sourceFlows(endpoint, port: port, state: state) { out[flow.key] = flow }
            }
            let flow = Pipeline.forward(endpoint, vxlanPort: state.vxlanPort)
            out[flow.key] = flow
        }
        let metered = state.addressResolutionRate != nil
        for claim in touched {
            let claimants = claims.claimants(of: claim).compactMap { state.endpoints[$0] }.filter(included)
            guard let winner = claimants.max(by: { Pipeline.rank($0) < Pipeline.rank($1) }) else { continue }
            switch claim.ip {
            case let .v6(ip):
                let responder = Pipeline.ndResponder(winner, ip)
                out[responder.key] = responder
            case let .v4(ip):
                let responder = Pipeline.arpResponder(winner, ip)
                out[responder.key] = responder
                for endpoint in claimants {
                    guard case let .local(port) = endpoint.location else { continue }
                    let flow = Pipeline.arpFromOwner(vni: claim.vni, port: port, ip: ip, metered: metered)
                    out[flow.key] = flow
                }
            }
        }
        return out
    }

    private static func diff(_ before: [FlowKey: FlowEntry], _ after: [FlowKey: FlowEntry], into changes: inout FlowChanges) {
        changes.reserveCapacity(changes.count + max(before.count, after.count))
        // Endpoints that only came, or only went (a reload adding or removing thousands): no lookups.
        if before.isEmpty {
            for flow in after.values { changes.set(flow) }
        } else if after.isEmpty {
            for key in before.keys { changes.remove(key) }
        } else {
            for (key, _) in before where after[key] == nil { changes.remove(key) }
            for (key, flow) in after where before[key] != flow { changes.set(flow) }
        }
    }

    private static func claims(of endpoint: Endpoint) -> [AddressClaim] {
        endpoint.ipv4.map { AddressClaim(vni: endpoint.vni, ip: .v4($0)) }
            + endpoint.ipv6.map { AddressClaim(vni: endpoint.vni, ip: .v6($0)) }
    }

    private mutating func add(_ endpoint: Endpoint) {
        state.upsert(endpoint)
        if endpoint.location.isLocal { localKeys.insert(endpoint.key) } else { localKeys.remove(endpoint.key) }
        for claim in Self.claims(of: endpoint) { claims.add(endpoint.key, to: claim) }
    }

    private mutating func drop(_ endpoint: Endpoint) {
        state.remove(endpoint.key)
        localKeys.remove(endpoint.key)
        for claim in Self.claims(of: endpoint) { claims.remove(endpoint.key, from: claim) }
    }
}
