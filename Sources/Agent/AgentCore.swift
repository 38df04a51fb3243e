import BGP
import NIOCore
import OpenFlow
import OpenFlowTables
import Overlay
import Packets

/// The agent without I/O: fed with local ports and endpoints (from OVSDB or
/// static configuration), endpoints gleaned from packet-ins, and the EVPN
/// routes received from the route reflectors; it says what each bridge
/// should look like (`bridgeState`), which routes to advertise, and how to
/// answer a packet-in. The daemon only moves bytes between it and the world.
public struct AgentCore: Sendable {
    public struct Tenant: Hashable, Sendable {
        public var instance: EVPNInstance
        /// Whether the tenant asks for broadcast traffic (type-3 route).
        public var ingressReplication: Bool

        public init(instance: EVPNInstance, ingressReplication: Bool = false) {
            self.instance = instance
            self.ingressReplication = ingressReplication
        }
    }

    public struct Settings: Hashable, Sendable {
        public var vtep: VTEP
        /// The router id: the address of the route distinguishers when the
        /// VTEP is IPv6 (a type 1 RD holds an IPv4 address).
        public var routerID: IPv4Address?
        public var tenants: [Tenant]
        /// Bridge name -> its VXLAN port's ofport.
        public var vxlanPorts: [String: UInt32]
        /// Gleaning is driven by traffic: bounded so a flood of forged
        /// sources cannot grow the agent without limit. Per tenant (VNI, over
        /// the host's bridges): one tenant at its limit does not stop
        /// learning for the others.
        public var maximumGleanedPerVNI: Int
        /// A gleaned endpoint silent for this long is forgotten (route
        /// withdrawn, flows removed); nil: never.
        public var gleanedExpiry: Duration?
        /// ARP and neighbour solicitations to the controller, per second and
        /// bridge (an OpenFlow meter); nil: not metered.
        public var addressResolutionRate: UInt32?
        public var duplicateDetection: DuplicateMACDetector.Settings
        /// The bridges under port security: on a port with configured or
        /// OVSDB endpoints, only they may send (`BridgeState.securedPorts`),
        /// and nothing is gleaned there.
        public var portSecurity: Set<String>

        public init(vtep: VTEP, routerID: IPv4Address? = nil, tenants: [Tenant], vxlanPorts: [String: UInt32],
                    maximumGleanedPerVNI: Int = 4096, gleanedExpiry: Duration? = nil,
                    addressResolutionRate: UInt32? = nil,
                    duplicateDetection: DuplicateMACDetector.Settings = .init(), portSecurity: Set<String> = []) {
            self.vtep = vtep
            self.routerID = routerID
            self.tenants = tenants
            self.vxlanPorts = vxlanPorts
            self.maximumGleanedPerVNI = maximumGleanedPerVNI
            self.portSecurity = portSecurity
            self.gleanedExpiry = gleanedExpiry
            self.addressResolutionRate = addressResolutionRate
            self.duplicateDetection = duplicateDetection
        }

        var instances: [EVPNInstance] { tenants.map(\.instance) }

        /// The address of this host's route distinguishers (VTEP:VNI): an
        /// IPv4 VTEP itself; for an IPv6 VTEP the router id (configuration
        /// requires one).
        public var routeDistinguisherAddress: IPv4Address {
            if case .v6 = vtep.address, let routerID { return routerID }
            return vtep.routeDistinguisherAddress
        }
    }

    /// What one bridge's ports say: ofport -> VNI, and the endpoints known to
    /// sit behind them (configured, or read from OVSDB).
    public struct PortSnapshot: Hashable, Sendable {
        public var ports: [UInt32: VNI]
        public var endpoints: [Endpoint]

        public init(ports: [UInt32: VNI] = [:], endpoints: [Endpoint] = []) {
            self.ports = ports
            self.endpoints = endpoints
        }
    }

    public static let maximumAddressesPerEndpoint = 8

    public private(set) var settings: Settings
    private var snapshots: [String: PortSnapshot] = [:]
    private var gleaned: [String: [EndpointKey: Endpoint]] = [:]
    /// When each gleaned endpoint was last seen (packet-in or traffic).
    private var lastSeen: [String: [EndpointKey: ContinuousClock.Instant]] = [:]
    /// The received EVPN routes, imported into the local tenants.
    private var remote: RemoteRoutes
    private var duplicates: DuplicateMACDetector
    /// What was advertised for a MAC when it froze: advertised unchanged since.
    private var pinned: [EndpointKey: [EVPNPath]] = [:]
    private var newlyFrozen: [DuplicateMACDetector.Frozen] = []
    /// Received routes refused since the last `takeRefusedRoutes` (the first
    /// `refusedKept`; the rest only counted), for the daemon to log.
    private var refusedRoutes: [RemoteRoutes.Refusal] = []
    public private(set) var refusedRouteCount = 0
    static let refusedKept = 100
    private var droppedGleaned: [String] = []
    private var refusedClaims: [String] = []
    /// Gleaned claims of an address another local endpoint holds, refused.
    public private(set) var refusedClaimCount = 0
    /// Sources not gleaned: their tenant at its limit, or their port secured.
    public private(set) var refusedGleanCount = 0
    private var refusedGleans: [String] = []
    /// Gleaned endpoints per tenant, over the bridges (for the limit).
    private var gleanedPerVNI: [VNI: Int] = [:]
    /// The tenants whose limit was reported (again once they fall below it).
    private var limitReported: Set<VNI> = []
    /// Each bridge's ports under port security (`Settings.portSecurity`).
    private var securedPorts: [String: Set<UInt32>] = [:]
    /// Each bridge's flows, kept incrementally once computed.
    private var bridgeFlows: [String: BridgeFlows] = [:]
    /// What changed since the last `takeFlowUpdates`: endpoints by key,
    /// the bridges' layouts (ports, flood lists), or everything (a reload).
    private var dirtyKeys: Set<EndpointKey> = []
    private var layoutDirty = false
    private var everythingDirty = true
    /// The configured and OVSDB endpoints of each bridge, by key.
    private var snapshotEndpoints: [String: [EndpointKey: Endpoint]] = [:]
    /// The MAC mobility sequence we advertise for a local MAC that a remote
    /// VTEP advertised before us (RFC 7432 section 15); kept after the remote
    /// withdraws, since a sequence number never goes back.
    private var mobility: [EndpointKey: UInt32] = [:]

    public init(settings: Settings) {
        self.settings = settings
        duplicates = DuplicateMACDetector(settings: settings.duplicateDetection)
        remote = RemoteRoutes(instances: settings.instances, localVTEP: settings.vtep)
    }

    /// The remote endpoints, sorted (a scan of every received route: for views).
    public var remoteEndpoints: [Endpoint] { remote.endpoints }

    private func remoteSequence(_ key: EndpointKey) -> UInt32? { remote.sequence(key) }

    public var bridges: [String] { settings.vxlanPorts.keys.sorted() }

    /// A reload is the operator's corrective action (RFC 7432 section 15.1):
    /// frozen MACs thaw.
    /// When the tenants or the VTEP change, the routes are imported again
    /// from `received` (the whole set the speaker holds); without it, they
    /// are dropped until the next `setReceivedRoutes`.
    /// Settings as before (a reload that changes only endpoints or
    /// restart-only settings) recompute only what `setPorts` then finds
    /// changed: a reload of 10,000 static endpoints costs their delta, not
    /// the whole pipeline of every bridge.
    public mutating func reconfigure(_ settings: Settings, received: [EVPNPath]? = nil) {
        let reimport = settings.instances != self.settings.instances || settings.vtep != self.settings.vtep
        let settingsChanged = settings != self.settings
        self.settings = settings
        duplicates = DuplicateMACDetector(settings: settings.duplicateDetection)
        pinned = [:]
        for name in gleaned.keys where settings.vxlanPorts[name] == nil { gleaned[name] = nil }
        for name in snapshots.keys where settings.vxlanPorts[name] == nil {
            snapshots[name] = nil
            snapshotEndpoints[name] = nil
        }
        if reimport {
            remote = RemoteRoutes(instances: settings.instances, localVTEP: settings.vtep)
            if let received { remote.replaceAll(with: received) }
        }
        if settingsChanged || reimport { everythingDirty = true } else { layoutDirty = true }
        for bridge in snapshots.keys { secure(bridge) }
        recountGleaned()
        claimConfigured()
    }

    /// A configured or OVSDB endpoint on another port of the bridge than
    /// before is a local move (`now` feeds duplicate detection).
    public mutating func setPorts(_ snapshot: PortSnapshot, bridge: String, at now: ContinuousClock.Instant = .now) {
        let before = snapshotEndpoints[bridge] ?? [:]
        let movedKeys = snapshot.endpoints.filter { endpoint in
            guard case let .local(was)? = (before[endpoint.key] ?? gleaned[bridge]?[endpoint.key])?.location,
                  case let .local(port) = endpoint.location else { return false }
            return was != port
        }.map(\.key)
        snapshots[bridge] = snapshot
        // The last of a key wins, as in `bridgeState` (the daemon lists
        // configuration before OVSDB and never a key twice).
        let byKey = Dictionary(snapshot.endpoints.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        snapshotEndpoints[bridge] = byKey
        for (key, endpoint) in byKey where before[key] != endpoint { dirtyKeys.insert(key) }
        for key in before.keys where byKey[key] == nil { dirtyKeys.insert(key) }
        // A gleaned endpoint on a port that left its tenant is gone.
        let kept = gleaned[bridge]?.filter { _, endpoint in
            if case let .local(port) = endpoint.location { return snapshot.ports[port] == endpoint.vni }
            return false
        }
        for (key, endpoint) in gleaned[bridge] ?? [:] where kept?[key] == nil {
            dirtyKeys.insert(key)
            guard case let .local(port) = endpoint.location, droppedGleaned.count < Self.refusedKept else { continue }
            let now = snapshot.ports[port].map { "is in VNI \($0) now" } ?? "is not a tenant port now"
            droppedGleaned.append("\(bridge) VNI \(key.vni) \(key.mac): port \(port) \(now)")
        }
        gleaned[bridge] = kept
        // A configured endpoint wins an address a gleaned one claimed before it appeared.
        var configured: [VNI: Set<IPAddress>] = [:]
        for endpoint in snapshot.endpoints {
            configured[endpoint.vni, default: []].formUnion(endpoint.ipv4.map(IPAddress.v4) + endpoint.ipv6.map(IPAddress.v6))
        }
        for (key, endpoint) in kept ?? [:] {
            guard let taken = configured[key.vni], !taken.isEmpty, byKey[key] == nil else { continue }
            var trimmed = endpoint
            trimmed.ipv4.removeAll { taken.contains(.v4($0)) }
            trimmed.ipv6.removeAll { taken.contains(.v6($0)) }
            guard trimmed != endpoint else { continue }
            gleaned[bridge]?[key] = trimmed
            dirtyKeys.insert(key)
            refusedClaimCount += 1
            if refusedClaims.count < Self.refusedKept {
                refusedClaims.append("\(bridge) VNI \(key.vni) \(key.mac): addresses now configured on another endpoint left out")
            }
        }
        layoutDirty = true
        secure(bridge)
        recountGleaned()
        claimConfigured()
        for key in Set(movedKeys) { moveLocally(key, at: now) }
    }

    /// The full set of routes currently received (best paths from the RRs):
    /// compared with what is held, so only what changed is recomputed.
    public mutating func setReceivedRoutes(_ routes: [EVPNPath], at now: ContinuousClock.Instant) {
        let sequences = remote.keys.reduce(into: [EndpointKey: UInt32]()) { $0[$1] = remote.sequence($1) }
        let touched = remote.replaceAll(with: routes)
        noteReceived(touched, sequencesBefore: { sequences[$0] }, at: now)
    }

    /// Received routes that changed: each announced with its path, or withdrawn (nil).
    public mutating func applyReceivedRoutes(_ changes: [(route: EVPNRoute, path: EVPNPath?)], at now: ContinuousClock.Instant) {
        var touched = RemoteRoutes.Touched()
        var sequences: [EndpointKey: UInt32?] = [:]
        for (route, path) in changes {
            if case let .macIPAdvertisement(r) = route {
                // Before the change, for duplicate detection: any tenant's key with this MAC.
                for instance in settings.instances {
                    let key = EndpointKey(vni: instance.vni, mac: r.mac)
                    if sequences[key] == nil { sequences[key] = .some(remote.sequence(key)) }
                }
            }
            touched.merge(remote.apply(route, path))
        }
        noteReceived(touched, sequencesBefore: { sequences[$0] ?? nil }, at: now)
    }

    /// After received routes changed: duplicate detection sees the new
    /// sequences, and the flows of what they touched are recomputed.
    private mutating func noteReceived(_ touched: RemoteRoutes.Touched, sequencesBefore: (EndpointKey) -> UInt32?,
                                   at now: ContinuousClock.Instant) {
        refusedRouteCount += touched.refused.count
        refusedRoutes += touched.refused.prefix(max(0, Self.refusedKept - refusedRoutes.count))
        dirtyKeys.formUnion(touched.keys)
        if !touched.floodVNIs.isEmpty { layoutDirty = true }
        for key in touched.keys {
            let sequence = remote.sequence(key)
            if let sequence, sequence != sequencesBefore(key) { observeMove(key, at: now) }
            if sequence == nil, mobility[key] == nil { duplicates.forget(key) }
        }
        claimConfigured(at: now)
    }

    // MARK: Flows

    /// What changed on each bridge since the last call: the flows to change,
    /// with the bridge's groups and meters (small tables, whole). The first
    /// call, and the first after a reload that changed the settings, gives every flow.
    public mutating func takeFlowUpdates() -> [String: BridgeFlowUpdate] {
        var out: [String: BridgeFlowUpdate] = [:]
        for bridge in bridges {
            guard let state = everythingDirty || bridgeFlows[bridge] == nil ? bridgeState(bridge) : nil else {
                var upserts: [Endpoint] = []
                var removals: [EndpointKey] = []
                for key in dirtyKeys {
                    let now = effectiveEndpoint(bridge, key)
                    guard now != bridgeFlows[bridge]?.state.endpoints[key] else { continue }
                    if let now { upserts.append(now) } else { removals.append(key) }
                }
                let layout = layoutDirty ? self.layout(bridge) : nil
                // In place: a copy of the bridge's flows would cost the whole table.
                guard let changes = bridgeFlows[bridge]?.apply(upserts: upserts, removals: removals, layout: layout),
                      let flows = bridgeFlows[bridge] else { continue }
                if !changes.isEmpty || layout != nil {
                    out[bridge] = BridgeFlowUpdate(flows: changes, groups: flows.groups, meters: flows.meters)
                }
                continue
            }
            let previous = bridgeFlows[bridge]?.flows ?? FlowTable()
            let flows = BridgeFlows(state: state)
            bridgeFlows[bridge] = flows
            out[bridge] = BridgeFlowUpdate(flows: FlowChanges(replacing: previous, with: flows.flows),
                                           groups: flows.groups, meters: flows.meters, complete: true)
        }
        for bridge in bridgeFlows.keys where settings.vxlanPorts[bridge] == nil { bridgeFlows[bridge] = nil }
        dirtyKeys = []
        layoutDirty = false
        everythingDirty = false
        return out
    }

    /// Whether the bridge's tables have been computed (cheaper than `tables`).
    public func hasTables(_ bridge: String) -> Bool { bridgeFlows[bridge] != nil }

    /// Every flow, group and meter of the bridge as last taken with
    /// `takeFlowUpdates` (for a switch that connects: its whole table).
    public func tables(_ bridge: String) -> SwitchTables? {
        guard let flows = bridgeFlows[bridge] else { return nil }
        return SwitchTables(flows: flows.flows, groups: flows.groups, meters: flows.meters)
    }

    /// What the bridge holds for a key: configured or OVSDB, else gleaned
    /// (unless it moved away), else remote.
    private func effectiveEndpoint(_ bridge: String, _ key: EndpointKey) -> Endpoint? {
        if let endpoint = snapshotEndpoints[bridge]?[key] { return endpoint }
        if let endpoint = gleaned[bridge]?[key], !movedAway(key) { return endpoint }
        return remote.endpoint(key)
    }

    private func layout(_ bridge: String) -> BridgeLayout? {
        guard let vxlanPort = settings.vxlanPorts[bridge] else { return nil }
        var flooding: [VNI: [VTEP]] = [:]
        for tenant in settings.tenants where tenant.ingressReplication {
            flooding[tenant.instance.vni] = remote.floodList(tenant.instance.vni)
        }
        return BridgeLayout(vxlanPort: vxlanPort, ports: snapshots[bridge]?.ports ?? [:], ingressReplication: flooding,
                            addressResolutionRate: settings.addressResolutionRate, securedPorts: securedPorts[bridge] ?? [])
    }

    /// The local endpoints of every bridge: configured or from OVSDB first, then gleaned.
    public var localEndpoints: [Endpoint] {
        var byKey: [EndpointKey: Endpoint] = [:]
        for bridge in bridges {
            for endpoint in gleanedEndpoints(bridge) { byKey[endpoint.key] = endpoint }
            for endpoint in snapshots[bridge]?.endpoints ?? [] { byKey[endpoint.key] = endpoint }
        }
        return byKey.values.sorted { $0.key < $1.key }
    }

    /// What the pipeline needs for `bridge`; nil for a bridge not configured.
    public func bridgeState(_ bridge: String) -> BridgeState? {
        guard let layout = layout(bridge) else { return nil }
        let snapshot = snapshots[bridge] ?? PortSnapshot()
        var state = BridgeState(vxlanPort: layout.vxlanPort, ports: layout.ports, ingressReplication: layout.ingressReplication,
                                addressResolutionRate: layout.addressResolutionRate, securedPorts: layout.securedPorts)
        for endpoint in remote.endpoints { state.upsert(endpoint) }
        // Local after remote: a MAC that moved here is delivered here.
        for endpoint in gleanedEndpoints(bridge) { state.upsert(endpoint) }
        for endpoint in snapshot.endpoints { state.upsert(endpoint) }
        return state
    }

    /// The routes this host originates: type 2 per local endpoint (with MAC
    /// mobility where the MAC came from elsewhere), type 3 for the tenants
    /// that ask for ingress replication.
    /// A frozen MAC keeps the routes it had when it froze. A local MAC that
    /// a remote VTEP advertises with a higher sequence moved away: its routes
    /// are withdrawn (RFC 7432 section 15), also while its port is still here
    /// (the old place of a live migration), and come back if the remote
    /// withdraws.
    public var advertisements: [EVPNPath] {
        let replicated = Set(settings.tenants.filter(\.ingressReplication).map(\.instance.vni))
        let live = localEndpoints.filter { pinned[$0.key] == nil && !movedAway($0.key) }
        let computed = EVPNRoutes.advertisements(endpoints: live, instances: settings.instances,
                                                 vtep: settings.vtep,
                                                 routeDistinguisher: settings.routeDistinguisherAddress, mobility: mobility)
        return (computed + pinned.keys.sorted().flatMap { pinned[$0] ?? [] })
            .filter { path in
                guard case let .inclusiveMulticastEthernetTag(route) = path.route else { return true }
                return settings.tenants.contains { tenant in
                    replicated.contains(tenant.instance.vni)
                        && tenant.instance.routeDistinguisher(vtep: settings.routeDistinguisherAddress) == route.rd
                }
            }
    }

    public func mobilitySequence(_ key: EndpointKey) -> UInt32? { mobility[key] }

    /// The MACs frozen by duplicate detection (agent state for operators).
    public var frozenMACs: [DuplicateMACDetector.Frozen] { duplicates.frozen.values.sorted { $0.key < $1.key } }

    /// Thaws the frozen MACs among `keys` (`swiftplanectl clear dup-mac`),
    /// as a reload thaws all: their routes follow the endpoints again.
    /// Returns those that were frozen.
    public mutating func thaw(_ keys: [EndpointKey]) -> [EndpointKey] {
        let thawed = keys.filter { duplicates.thaw($0) }
        for key in thawed {
            pinned[key] = nil
            dirtyKeys.insert(key)
        }
        if !thawed.isEmpty { claimConfigured() }
        return thawed
    }

    /// The received routes refused since the last call (at most 100; `refusedRouteCount` counts them all).
    /// Gleaned endpoints dropped by `setPorts` because their port is not in
    /// their VNI any more (a restored one included), each with the reason;
    /// the first `refusedKept` since the last call, for the daemon to log.
    public mutating func takeDroppedGleaned() -> [String] {
        defer { droppedGleaned = [] }
        return droppedGleaned
    }

    public mutating func takeRefusedRoutes() -> [RemoteRoutes.Refusal] {
        defer { refusedRoutes = [] }
        return refusedRoutes
    }

    /// The MACs frozen since the last call, each returned once (to log them once).
    public mutating func takeNewlyFrozen() -> [DuplicateMACDetector.Frozen] {
        defer { newlyFrozen = [] }
        return newlyFrozen
    }

    /// Feeds a sequence number to duplicate detection; a MAC that freezes
    /// keeps the type-2 routes it has now.
    private mutating func observeMove(_ key: EndpointKey, at now: ContinuousClock.Instant) {
        let sequence = max(mobility[key] ?? 0, remoteSequence(key) ?? 0)
        guard let freeze = duplicates.observe(key, sequence: sequence, at: now) else { return }
        newlyFrozen.append(freeze)
        let own = localEndpoints.filter { $0.key == key }
        pinned[key] = EVPNRoutes.advertisements(endpoints: own, instances: settings.instances,
                                                vtep: settings.vtep,
                                                 routeDistinguisher: settings.routeDistinguisherAddress, mobility: mobility)
            .filter { if case .macIPAdvertisement = $0.route { true } else { false } }
    }

    /// Gleaned endpoints that a remote VTEP has not since claimed with a
    /// higher sequence (the MAC moved away from here).
    private func gleanedEndpoints(_ bridge: String) -> [Endpoint] {
        (gleaned[bridge] ?? [:]).values.filter { !movedAway($0.key) }
    }

    private func movedAway(_ key: EndpointKey) -> Bool {
        guard let theirs = remoteSequence(key) else { return false }
        return theirs > (mobility[key] ?? 0)
    }

    /// RFC 7432 section 15: a MAC that shows up here while a remote VTEP
    /// advertises it is advertised with the remote's sequence + 1. A
    /// sequence only grows, and is kept after the remote withdraws.
    /// A frozen MAC claims nothing: two hosts that both hold it would
    /// otherwise outbid each other for ever.
    @discardableResult
    private mutating func claim(_ key: EndpointKey, at now: ContinuousClock.Instant?) -> Bool {
        guard !duplicates.isFrozen(key),
              let theirs = remoteSequence(key), (mobility[key] ?? 0) <= theirs else { return false }
        mobility[key] = theirs == .max ? .max : theirs + 1
        dirtyKeys.insert(key)
        if let now { observeMove(key, at: now) }
        return true
    }

    /// Configured endpoints (static or OVSDB) claim their MAC once, when it
    /// appears here or a remote first advertises it; not again on every
    /// higher remote sequence, or two hosts configured with one MAC would
    /// outbid each other for ever (RFC 7432 section 15.1 duplicate MAC).
    /// Gleaned ones claim when seen (a remote claim with a higher sequence
    /// means the MAC moved away). Sequences of MACs no longer local are forgotten.
    private mutating func claimConfigured(at now: ContinuousClock.Instant? = nil) {
        var local: Set<EndpointKey> = []
        for snapshot in snapshots.values {
            for endpoint in snapshot.endpoints {
                local.insert(endpoint.key)
                if mobility[endpoint.key] == nil { claim(endpoint.key, at: now) }
            }
        }
        for table in gleaned.values { local.formUnion(table.keys) }
        for key in mobility.keys where !local.contains(key) {
            mobility[key] = nil
            dirtyKeys.insert(key)
        }
    }

    // MARK: Local moves, port security, gleaning limits

    /// A local MAC seen on another local port than before (gleaned, or
    /// configured): a move, as a remote's higher sequence is one. The
    /// sequence we advertise goes one above every sequence known for the MAC
    /// (ours, a remote's), and duplicate detection counts the move. A frozen
    /// MAC claims nothing.
    private mutating func moveLocally(_ key: EndpointKey, at now: ContinuousClock.Instant) {
        // Where it was: its first sighting, when the detector never saw it.
        observeMove(key, at: now)
        guard !duplicates.isFrozen(key) else { return }
        let current = max(mobility[key] ?? 0, remoteSequence(key) ?? 0)
        mobility[key] = current == .max ? .max : current + 1
        dirtyKeys.insert(key)
        observeMove(key, at: now)
    }

    /// The bridge's secured ports, from its configured and OVSDB endpoints;
    /// gleaned endpoints on them go (only the known endpoints may send there).
    private mutating func secure(_ bridge: String) {
        guard settings.portSecurity.contains(bridge), let snapshot = snapshots[bridge] else {
            securedPorts[bridge] = nil
            return
        }
        var ports: Set<UInt32> = []
        for endpoint in snapshot.endpoints {
            if case let .local(port) = endpoint.location, snapshot.ports[port] == endpoint.vni { ports.insert(port) }
        }
        securedPorts[bridge] = ports
        for (key, endpoint) in gleaned[bridge] ?? [:] {
            guard case let .local(port) = endpoint.location, ports.contains(port) else { continue }
            gleaned[bridge]?[key] = nil
            lastSeen[bridge]?[key] = nil
            dirtyKeys.insert(key)
            if droppedGleaned.count < Self.refusedKept {
                droppedGleaned.append("\(bridge) VNI \(key.vni) \(key.mac): port \(port) is secured now")
            }
        }
    }

    private mutating func recountGleaned() {
        gleanedPerVNI = [:]
        for table in gleaned.values { for key in table.keys { gleanedPerVNI[key.vni, default: 0] += 1 } }
        limitReported = limitReported.filter { gleanedPerVNI[$0, default: 0] >= settings.maximumGleanedPerVNI }
    }

    /// Counts a refusal; keeps its reason (nil: already said) for the daemon to log.
    private mutating func refuseGlean(_ reason: String?) {
        refusedGleanCount += 1
        if let reason, refusedGleans.count < Self.refusedKept { refusedGleans.append(reason) }
    }

    /// Sources not gleaned since the last call (the first `refusedKept`),
    /// each with its reason: a tenant at its limit, a secured port.
    public mutating func takeRefusedGleans() -> [String] {
        defer { refusedGleans = [] }
        return refusedGleans
    }

    // MARK: Packet-ins

    /// What to do with one packet-in: the endpoint it taught us (if any) and
    /// the frame to send back (if any).
    public struct PacketInOutcome: Sendable {
        public var learned: Endpoint?
        public var reply: PacketOut?
        /// Whether the bridge states changed (flows must be recomputed).
        public var changed: Bool
    }

    /// Gleans the sender and answers address resolution for known IPs.
    /// Frames from ports outside a tenant, or that do not decode, are ignored.
    public mutating func handlePacketIn(_ packetIn: PacketIn, bridge: String,
                                        at now: ContinuousClock.Instant) -> PacketInOutcome {
        var outcome = PacketInOutcome(learned: nil, reply: nil, changed: false)
        guard let inPort = packetIn.inPort, let vni = snapshots[bridge]?.ports[inPort],
              let frame = try? DecodedFrame(decoding: packetIn.data) else { return outcome }

        var ipv4: IPv4Address?
        var ipv6: IPv6Address?
        var arpTarget: IPv4Address?
        var solicitedTarget: IPv6Address?
        switch frame.network {
        case let .arp(arp)?:
            if arp.senderProtocolAddress.rawValue != 0 { ipv4 = arp.senderProtocolAddress }
            if arp.operation == .request, !arp.isGratuitous { arpTarget = arp.targetProtocolAddress }
        case let .ipv4(ip)?:
            if ip.source.rawValue != 0 { ipv4 = ip.source }
        case let .ipv6(ip)?:
            if case let .neighborDiscovery(.solicitation(ns))? = frame.application {
                solicitedTarget = ns.target
                if ip.source != .unspecified { ipv6 = ip.source }
            }
        case nil:
            break
        }

        let source = frame.ethernet.source
        if !source.isMulticast, source != .zero {
            outcome.learned = glean(bridge: bridge, vni: vni, mac: source, port: inPort, ipv4: ipv4, ipv6: ipv6, at: now)
            outcome.changed = outcome.learned != nil
        }

        if let target = arpTarget,
           let owner = owner(bridge: bridge, vni: vni, asker: source, address: .v4(target)),
           let reply = try? FrameBuilder.arpReply(answering: packetIn.data, hardwareAddress: owner.mac) {
            outcome.reply = PacketOut(actions: [.output(inPort)], data: reply)
        } else if let target = solicitedTarget,
                  let owner = owner(bridge: bridge, vni: vni, asker: source, address: .v6(target)),
                  let reply = try? FrameBuilder.neighborAdvertisement(answering: packetIn.data, hardwareAddress: owner.mac) {
            outcome.reply = PacketOut(actions: [.output(inPort)], data: reply)
        }
        return outcome
    }

    /// The endpoint of the tenant that holds an address: configured first,
    /// then gleaned, then remote (the order the bridge state gives them).
    private func owner(bridge: String, vni: VNI, asker: EthernetAddress, address: IPAddress) -> Endpoint? {
        func holds(_ endpoint: Endpoint) -> Bool {
            switch address {
            case let .v4(ip): endpoint.ipv4.contains(ip)
            case let .v6(ip): endpoint.ipv6.contains(ip)
            }
        }
        let match = { (endpoint: Endpoint) in endpoint.vni == vni && endpoint.mac != asker && holds(endpoint) }
        if let found = snapshots[bridge]?.endpoints.first(where: match) { return found }
        if let found = gleaned[bridge]?.values.first(where: { match($0) && !self.movedAway($0.key) }) { return found }
        // Remote ones through the responders' index of the bridge's flows (as
        // last taken): no scan of every route per packet-in.
        return bridgeFlows[bridge]?.endpoints(vni: vni, holding: address).first { endpoint in
            guard case .remote = endpoint.location else { return false }
            return endpoint.mac != asker
        }
    }

    /// Whether a gleaned claim of `address` by `key` is refused: another
    /// local endpoint of its VNI holds it, configured (static or OVSDB) or
    /// gleaned first. Refusals are counted and kept for the daemon to log.
    /// A remote holder is no conflict: the address moved here.
    private mutating func refusesClaim(bridge: String, key: EndpointKey, address: IPAddress) -> Bool {
        func holds(_ endpoint: Endpoint) -> Bool {
            guard endpoint.vni == key.vni, endpoint.mac != key.mac else { return false }
            switch address {
            case let .v4(ip): return endpoint.ipv4.contains(ip)
            case let .v6(ip): return endpoint.ipv6.contains(ip)
            }
        }
        guard let holder = snapshots[bridge]?.endpoints.first(where: holds) ?? gleaned[bridge]?.values.first(where: holds)
        else { return false }
        refusedClaimCount += 1
        if refusedClaims.count < Self.refusedKept {
            refusedClaims.append("\(bridge) VNI \(key.vni) \(key.mac) claims \(address), which \(holder.mac) holds")
        }
        return true
    }

    /// Gleaned address claims refused since the last call (the first
    /// `refusedKept`), each naming the claimant, the address and its holder.
    public mutating func takeRefusedClaims() -> [String] {
        defer { refusedClaims = [] }
        return refusedClaims
    }

    /// Records (or refreshes) a gleaned endpoint; returns it when something changed.
    private mutating func glean(bridge: String, vni: VNI, mac: EthernetAddress, port: UInt32,
                                ipv4: IPv4Address?, ipv6: IPv6Address?, at now: ContinuousClock.Instant) -> Endpoint? {
        let key = EndpointKey(vni: vni, mac: mac)
        // A configured endpoint is not learned over.
        if snapshotEndpoints[bridge]?[key] != nil { return nil }
        // Nor anything on a secured port (its flows drop other sources; this
        // is a packet-in from before they were installed).
        if securedPorts[bridge]?.contains(port) == true {
            refuseGlean("\(bridge) VNI \(vni) \(mac): port \(port) is secured and \(mac) is not one of its endpoints")
            return nil
        }
        // Seen on another bridge of this host before: it moved here.
        let otherBridge = gleaned.keys.sorted().first { $0 != bridge && gleaned[$0]?[key] != nil }
        var table = gleaned[bridge] ?? [:]
        var endpoint = table[key] ?? Endpoint(vni: vni, mac: mac, location: .local(port: port))
        let before = table[key]
        if before == nil, otherBridge == nil, gleanedPerVNI[vni, default: 0] >= settings.maximumGleanedPerVNI {
            // Said once while the tenant stays at its limit (a flood would fill the log).
            refuseGlean(limitReported.insert(vni).inserted
                ? "VNI \(vni) is at its limit of \(settings.maximumGleanedPerVNI) gleaned endpoints: new sources such as \(mac) on \(bridge) are not gleaned"
                : nil)
            return nil
        }
        let moved = otherBridge != nil || (before != nil && before?.location != .local(port: port))
        if endpoint.location != .local(port: port) {
            endpoint = Endpoint(vni: vni, mac: mac, location: .local(port: port))
        }
        // An address another local endpoint holds is not taken over (`refusesClaim`).
        if let ipv4, !endpoint.ipv4.contains(ipv4), !refusesClaim(bridge: bridge, key: key, address: .v4(ipv4)) {
            endpoint.ipv4 = Array((endpoint.ipv4 + [ipv4]).suffix(Self.maximumAddressesPerEndpoint))
        }
        if let ipv6, !endpoint.ipv6.contains(ipv6), !refusesClaim(bridge: bridge, key: key, address: .v6(ipv6)) {
            endpoint.ipv6 = Array((endpoint.ipv6 + [ipv6]).suffix(Self.maximumAddressesPerEndpoint))
        }
        lastSeen[bridge, default: [:]][key] = now
        if let otherBridge {
            gleaned[otherBridge]?[key] = nil
            lastSeen[otherBridge]?[key] = nil
        } else if before == nil {
            gleanedPerVNI[vni, default: 0] += 1
        }
        // Seen here: a remote claim on this MAC is a move to here; else a
        // move from another local port is one.
        let claimed = claim(key, at: now)
        if !claimed, moved { moveLocally(key, at: now) }
        guard endpoint != before || claimed || moved else { return nil }
        table[key] = endpoint
        gleaned[bridge] = table
        dirtyKeys.insert(key)
        return endpoint
    }

    // MARK: Expiry of gleaned endpoints

    /// Traffic from gleaned endpoints that the switch forwarded without a
    /// packet-in (the daemon reads it from their source flows' counters).
    public mutating func noteActivity(bridge: String, keys: [EndpointKey], at now: ContinuousClock.Instant) {
        for key in keys where gleaned[bridge]?[key] != nil { lastSeen[bridge, default: [:]][key] = now }
    }

    /// Forgets the gleaned endpoints silent for `gleanedExpiry` or longer;
    /// returns them (their routes and flows go with the next computation).
    public mutating func expireSilent(at now: ContinuousClock.Instant) -> [Endpoint] {
        guard let expiry = settings.gleanedExpiry else { return [] }
        var expired: [Endpoint] = []
        for bridge in gleaned.keys.sorted() {
            guard var table = gleaned[bridge] else { continue }
            var seen = lastSeen[bridge] ?? [:]
            for key in table.keys.sorted() {
                guard let endpoint = table[key] else { continue }
                if let at = seen[key], now - at < expiry { continue }
                table[key] = nil
                seen[key] = nil
                expired.append(endpoint)
                dirtyKeys.insert(key)
            }
            seen = seen.filter { table[$0.key] != nil }
            gleaned[bridge] = table
            lastSeen[bridge] = seen
        }
        if !expired.isEmpty {
            recountGleaned()
            claimConfigured()
        }
        return expired
    }

    /// The gleaned endpoints of a bridge (those that may expire).
    public func gleanedKeys(bridge: String) -> Set<EndpointKey> { Set((gleaned[bridge] ?? [:]).keys) }

    // MARK: Learned state across restarts

    /// What `learnedState` is made of, as plain values: comparing two costs
    /// no formatting, so the daemon can ask at every change whether the
    /// state file needs writing.
    public struct LearnedContent: Equatable, Sendable {
        fileprivate var gleaned: [String: [EndpointKey: Endpoint]]
        fileprivate var mobility: [EndpointKey: UInt32]
    }

    public var learnedContent: LearnedContent { LearnedContent(gleaned: gleaned, mobility: mobility) }

    /// The gleaned endpoints as they stand at `now`, sorted (a stable file).
    public func learnedState(at now: ContinuousClock.Instant) -> LearnedState {
        var entries: [LearnedState.GleanedEndpoint] = []
        for bridge in gleaned.keys.sorted() {
            for (key, endpoint) in (gleaned[bridge] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard case let .local(port) = endpoint.location else { continue }
                let silent = lastSeen[bridge]?[key].map { now - $0 } ?? .zero
                entries.append(LearnedState.GleanedEndpoint(
                    bridge: bridge, vni: key.vni.rawValue, mac: "\(key.mac)", ipv4: endpoint.ipv4.map { "\($0)" },
                    ipv6: endpoint.ipv6.map { "\($0)" }, port: port, silentSeconds: max(0, Self.seconds(silent)),
                    mobilitySequence: mobility[key].flatMap { $0 > 0 ? $0 : nil }))
            }
        }
        return LearnedState(gleaned: entries)
    }

    /// Takes back the gleaned endpoints of a `LearnedState` saved before a
    /// restart, as if each had been seen `silentSeconds` plus `downtime` (how
    /// long the agent was away since the state was saved) before `now`. Left
    /// out, each with its reason: another version, a bridge or VNI no longer
    /// configured, a malformed address, one silent past `gleanedExpiry`, one
    /// configured now, one over the per-bridge limit. Ports are checked when
    /// they are known (`setPorts` drops a gleaned endpoint whose port left its VNI).
    public mutating func restore(_ state: LearnedState, downtime: Duration = .zero, at now: ContinuousClock.Instant) -> LearnedStateRestore {
        var report = LearnedStateRestore()
        guard state.version == LearnedState.currentVersion else {
            report.skipped.append("version \(state.version): this agent reads version \(LearnedState.currentVersion)")
            return report
        }
        let vnis = Set(settings.tenants.map(\.instance.vni))
        for entry in state.gleaned {
            // The file's text, bounded: a log line per entry must stay a line.
            let name = "\(entry.bridge.prefix(64)) VNI \(entry.vni) \(entry.mac.prefix(64))"
            guard settings.vxlanPorts[entry.bridge] != nil else { report.skipped.append("\(name): bridge not configured"); continue }
            guard let vni = VNI(rawValue: entry.vni) else { report.skipped.append("\(name): vni \(entry.vni): not a 24-bit VNI"); continue }
            guard vnis.contains(vni) else { report.skipped.append("\(name): VNI not configured"); continue }
            guard LearnedState.portRange.contains(entry.port) else {
                report.skipped.append("\(name): port \(entry.port): not a switch port number in \(LearnedState.portRange)"); continue
            }
            guard let mac = EthernetAddress(entry.mac) else { report.skipped.append("\(name): not a MAC address"); continue }
            let ipv4 = entry.ipv4.compactMap(IPv4Address.init), ipv6 = entry.ipv6.compactMap(IPv6Address.init)
            guard ipv4.count == entry.ipv4.count, ipv6.count == entry.ipv6.count else {
                report.skipped.append("\(name): a malformed IP address"); continue
            }
            guard LearnedState.silentSecondsRange.contains(entry.silentSeconds) else {
                report.skipped.append("\(name): silentSeconds \(entry.silentSeconds): not in \(LearnedState.silentSecondsRange)"); continue
            }
            let silent = Duration.milliseconds(Int64(entry.silentSeconds * 1000)) + max(downtime, .zero)
            if let expiry = settings.gleanedExpiry, silent >= expiry {
                report.skipped.append("\(name): silent for \(silent), past the expiry of \(expiry)"); continue
            }
            let key = EndpointKey(vni: vni, mac: mac)
            if snapshots[entry.bridge]?.endpoints.contains(where: { $0.key == key }) == true {
                report.skipped.append("\(name): configured now"); continue
            }
            if securedPorts[entry.bridge]?.contains(entry.port) == true {
                report.skipped.append("\(name): port \(entry.port) is secured"); continue
            }
            var table = gleaned[entry.bridge] ?? [:]
            if table[key] == nil, gleanedPerVNI[vni, default: 0] >= settings.maximumGleanedPerVNI {
                report.skipped.append("\(name): over the limit of \(settings.maximumGleanedPerVNI) gleaned endpoints per VNI"); continue
            }
            if table[key] == nil { gleanedPerVNI[vni, default: 0] += 1 }
            table[key] = Endpoint(vni: vni, mac: mac, ipv4: Array(ipv4.suffix(Self.maximumAddressesPerEndpoint)),
                                  ipv6: Array(ipv6.suffix(Self.maximumAddressesPerEndpoint)), location: .local(port: entry.port))
            gleaned[entry.bridge] = table
            dirtyKeys.insert(key)
            lastSeen[entry.bridge, default: [:]][key] = now - silent
            // A sequence never goes back (RFC 7432 section 15).
            if let sequence = entry.mobilitySequence { mobility[key] = max(mobility[key] ?? 0, sequence) }
            report.restored += 1
        }
        claimConfigured(at: now)
        return report
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// One bridge's change of flows, with its groups and meters (whole).
public struct BridgeFlowUpdate: Sendable {
    public var flows: FlowChanges
    public var groups: GroupTable
    public var meters: MeterTable
    /// A first computation (or a reload's): every flow, against what was given before.
    public var complete = false

    public init(flows: FlowChanges, groups: GroupTable, meters: MeterTable, complete: Bool = false) {
        self.flows = flows
        self.groups = groups
        self.meters = meters
        self.complete = complete
    }
}
