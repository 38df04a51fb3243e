import BGP
import OpenFlow
import OpenFlowTables
import Overlay
import Packets

/// The whole agent without I/O, as `SwitchConnection` is a switch's
/// connection: events in (switches connecting, ports read from OVSDB or the
/// configuration, routes received, packet-ins, traffic counters, the clock),
/// effects out (flows to push, packet-outs, routes to advertise, the state
/// file to write, notices to log and count). It holds `AgentCore` (endpoints,
/// routes, flows), the binding of switches to bridges, the start-up
/// deferral and the VXLAN port verdicts. The daemon only runs the effects.
///
/// A route becomes a flow here: `handle(.routesChanged)` imports it into the
/// core and asks for `.pushFlows`; `takeFlowWork()` then gives each switch
/// the changed flows of its bridge (or, new to its bridge, the whole table).
public struct AgentStateMachine: Sendable {
    public enum Event: Sendable {
        case switchConnected(datapathID: DatapathID)
        case switchDisconnected(datapathID: DatapathID)
        /// A bridge read from OVSDB: the datapath id it reports, its ports
        /// (configuration and OVSDB), and what is wrong with its VXLAN port (nil: verified).
        case databaseRead(bridge: String, datapathID: DatapathID?, ports: AgentCore.PortSnapshot, tunnelProblem: String?)
        /// A bridge's ports, not from an OVSDB report (start, reload).
        case portsChanged(bridge: String, ports: AgentCore.PortSnapshot, tunnelProblem: String?)
        /// Best routes that changed: each with its path, or nil when withdrawn.
        case routesChanged([(route: EVPNRoute, path: EVPNPath?)])
        case packetIn(datapathID: DatapathID, PacketIn)
        /// The source table's flow statistics of a switch (traffic from
        /// gleaned endpoints that needed no packet-in).
        case sourceStatistics(datapathID: DatapathID, [FlowStats])
        /// Time to forget the gleaned endpoints silent for too long.
        case expiryTick
        /// Start-up: time passed; whether every reflector sent its End-of-RIB.
        case startupTick(routesReceived: Bool)
        /// A new configuration, with each bridge's ports and VXLAN port
        /// problem under it; `received` is the speaker's whole set when the
        /// tenants or the VTEP changed (the routes are imported again).
        case reconfigured(AgentCore.Settings, bridges: [BridgeIdentity], ports: [String: AgentCore.PortSnapshot],
                          tunnelProblems: [String: String], received: [EVPNPath]?)
        /// The operator cleared these frozen MACs.
        case duplicatesCleared([EndpointKey])
    }

    public enum Effect: Sendable {
        /// Flows changed: take them with `takeFlowWork()` and hand them to the switches.
        case pushFlows
        case packetOut(datapathID: DatapathID, PacketOut)
        /// The routes this host originates now (the whole set).
        case advertise([EVPNPath])
        /// Local endpoints are known: open the sessions to the reflectors.
        case dialReflectors
        /// Write the state file (`withSilences`: also when only the silences changed).
        case saveLearnedState(withSilences: Bool)
        case notice(Notice)
    }

    /// What the daemon logs and counts.
    public enum Notice: Sendable {
        case switchUp(datapathID: DatapathID, bridge: String)
        /// A connected switch matches no bridge (yet, when OVSDB has still to report the ids).
        case switchUnmatched(datapathID: DatapathID, awaitingDatabase: Bool)
        /// A connected switch's bridge changed (nil: it matches none any more).
        case switchRebound(datapathID: DatapathID, bridge: String?)
        case datapathMismatch(bridge: String, reported: DatapathID, configured: DatapathID)
        case tunnelRefused(bridge: String, problem: String)
        case tunnelVerified(bridge: String, vxlanPort: UInt32)
        case gleaned(bridge: String, Endpoint)
        case gleanedDropped(bridge: String, reason: String)
        case claimRefused(String)
        /// Sources not gleaned since the last notice (a tenant at its limit,
        /// a secured port): how many, and the reasons of the first few.
        case gleansRefused(count: Int, reasons: [String])
        case routeRefused(RemoteRoutes.Refusal)
        case frozen(DuplicateMACDetector.Frozen)
        case thawed([EndpointKey])
        case expired(Endpoint)
        case advertising(routes: Int)
        case settled(SelectionDeferral.Reason?, switches: Int)
    }

    /// What a switch gets next.
    public enum FlowWork: Sendable {
        /// The changes of its bridge since the last push.
        case update(datapathID: DatapathID, BridgeFlowUpdate)
        /// Its bridge's whole table (new to its bridge).
        case replace(datapathID: DatapathID, bridge: String, SwitchTables)
    }

    public private(set) var core: AgentCore
    public private(set) var binding: SwitchBinding
    public private(set) var deferral: SelectionDeferral
    /// Why a bridge's VXLAN port is refused; absent: verified, not reported
    /// yet, or not verifiable. While refused, the bridge gets no tunnel flow.
    public private(set) var tunnelProblems: [String: String] = [:]
    /// Whether the agent has route reflectors (a BGP speaker) at all.
    private let advertises: Bool
    private var dialled = false
    /// What was last handed to the speaker; nil: hand it again.
    private var advertised: [EVPNPath]?
    /// What the state file last received (times left out).
    private var savedLearned: AgentCore.LearnedContent?
    /// `core.refusedGleanCount` when last noticed: every refusal is counted, not only those with a reason kept.
    private var gleanRefusalsNoticed = 0
    /// The source flows' packet counters at the last reading, per switch.
    private var sourceCounts: [DatapathID: [EndpointKey: UInt64]] = [:]
    private let startedAt: ContinuousClock.Instant

    public init(core: AgentCore, bridges: [BridgeIdentity], deferral: SelectionDeferral, advertises: Bool,
                startedAt: ContinuousClock.Instant) {
        self.core = core
        binding = SwitchBinding(bridges: bridges)
        self.deferral = deferral
        self.advertises = advertises
        self.startedAt = startedAt
    }

    /// Whether the start-up has reached the reflectors (their End-of-RIB is worth asking for).
    public var reflectorsDialled: Bool { dialled }

    public mutating func handle(_ event: Event, at now: ContinuousClock.Instant) -> [Effect] {
        var effects: [Effect] = []
        switch event {
        case let .switchConnected(datapath):
            if let bridge = binding.connect(datapath) {
                effects.append(.notice(.switchUp(datapathID: datapath, bridge: bridge)))
                effects.append(.pushFlows)
            } else {
                effects.append(.notice(.switchUnmatched(datapathID: datapath, awaitingDatabase: binding.awaitsReport)))
            }
        case let .switchDisconnected(datapath):
            binding.disconnect(datapath)
            sourceCounts[datapath] = nil
        case let .databaseRead(bridge, datapath, ports, problem):
            deferral.bridgeSynchronized(bridge, elapsed: now - startedAt)
            if let datapath, let configured = binding.bridges.first(where: { $0.name == bridge })?.datapathID,
               configured != datapath, binding.reported[bridge] != datapath {
                effects.append(.notice(.datapathMismatch(bridge: bridge, reported: datapath, configured: configured)))
            }
            effects += binding.report(datapath, of: bridge).map { .notice(.switchRebound(datapathID: $0.datapathID, bridge: $0.bridge)) }
            setPorts(ports, bridge: bridge, tunnelProblem: problem, at: now, into: &effects)
            sync(into: &effects)
        case let .portsChanged(bridge, ports, problem):
            setPorts(ports, bridge: bridge, tunnelProblem: problem, at: now, into: &effects)
            sync(into: &effects)
        case let .routesChanged(changes):
            guard !changes.isEmpty else { break }
            core.applyReceivedRoutes(changes, at: now)
            effects += core.takeRefusedRoutes().map { .notice(.routeRefused($0)) }
            sync(into: &effects)
        case let .packetIn(datapath, packetIn):
            guard let bridge = binding.bridgeOf[datapath] else { break }
            let outcome = core.handlePacketIn(packetIn, bridge: bridge, at: now)
            takeRefusedClaims(into: &effects)
            if let learned = outcome.learned { effects.append(.notice(.gleaned(bridge: bridge, learned))) }
            if let reply = outcome.reply { effects.append(.packetOut(datapathID: datapath, reply)) }
            if outcome.changed { sync(into: &effects) }
        case let .sourceStatistics(datapath, statistics):
            guard let bridge = binding.bridgeOf[datapath] else { break }
            let counts = SourceCounters.packets(statistics)
            let active = SourceCounters.active(before: sourceCounts[datapath] ?? [:], now: counts)
            sourceCounts[datapath] = counts
            core.noteActivity(bridge: bridge, keys: active, at: now)
        case .expiryTick:
            let expired = core.expireSilent(at: now)
            guard !expired.isEmpty else {
                effects.append(.saveLearnedState(withSilences: true))
                break
            }
            effects += expired.map { .notice(.expired($0)) }
            sync(into: &effects)
        case let .startupTick(routesReceived):
            guard !deferral.mayProgramSwitches else { break }
            // Before the reflectors are dialled, "every End-of-RIB received" would hold vacuously.
            let heard = routesReceived && dialled
            dialIfReady(into: &effects)
            if deferral.advance(elapsed: now - startedAt, routesReceived: heard), deferral.mayProgramSwitches {
                effects.append(.notice(.settled(deferral.reason, switches: binding.bridgeOf.count)))
                sync(into: &effects)
            }
        case let .reconfigured(settings, bridges, ports, problems, received):
            core.reconfigure(settings, received: received)
            // Reflectors added or removed; untouched sessions stay up.
            if deferral.mayAdvertise, advertises { effects.append(.dialReflectors) }
            for bridge in core.bridges {
                setPorts(ports[bridge] ?? .init(), bridge: bridge, tunnelProblem: problems[bridge], at: now, into: &effects)
            }
            effects += binding.reconfigure(bridges).map { .notice(.switchRebound(datapathID: $0.datapathID, bridge: $0.bridge)) }
            // The tenants (so the membership routes) may have changed.
            advertised = nil
            sync(into: &effects)
        case let .duplicatesCleared(keys):
            let thawed = core.thaw(keys)
            effects.append(.notice(.thawed(thawed)))
            if !thawed.isEmpty { sync(into: &effects) }
        }
        return effects
    }

    /// After any change: the MACs that froze, the routes, the flows, the state file.
    /// The routes go first: the other hosts import them while this one
    /// computes its own flows (a reload of 10,000 endpoints is 50,000 flows
    /// to compute), rather than after; the flows are handed to the switch
    /// without waiting for its barrier either way.
    private mutating func sync(into effects: inout [Effect]) {
        effects += core.takeNewlyFrozen().map { .notice(.frozen($0)) }
        advertiseIfChanged(into: &effects)
        effects.append(.pushFlows)
        if core.learnedContent != savedLearned { effects.append(.saveLearnedState(withSilences: false)) }
    }

    private mutating func dialIfReady(into effects: inout [Effect]) {
        guard deferral.mayAdvertise, !dialled, advertises else { return }
        dialled = true
        effects.append(.notice(.advertising(routes: core.advertisements.count)))
        advertiseIfChanged(into: &effects)
        effects.append(.dialReflectors)
    }

    private mutating func advertiseIfChanged(into effects: inout [Effect]) {
        guard advertises, deferral.mayAdvertise else { return }
        let wanted = core.advertisements
        guard wanted != advertised else { return }
        advertised = wanted
        effects.append(.advertise(wanted))
    }

    private mutating func setPorts(_ ports: AgentCore.PortSnapshot, bridge: String, tunnelProblem: String?,
                                   at now: ContinuousClock.Instant, into effects: inout [Effect]) {
        core.setPorts(ports, bridge: bridge, at: now)
        takeRefusedClaims(into: &effects)
        effects += core.takeDroppedGleaned().map { .notice(.gleanedDropped(bridge: bridge, reason: $0)) }
        guard tunnelProblem != tunnelProblems[bridge] else { return }
        tunnelProblems[bridge] = tunnelProblem
        if let tunnelProblem {
            effects.append(.notice(.tunnelRefused(bridge: bridge, problem: tunnelProblem)))
        } else if let port = core.settings.vxlanPorts[bridge] {
            effects.append(.notice(.tunnelVerified(bridge: bridge, vxlanPort: port)))
        }
        // With or without the tunnel: the bridge's switches get the whole table again.
        binding.regive(bridge: bridge)
    }

    private mutating func takeRefusedClaims(into effects: inout [Effect]) {
        effects += core.takeRefusedClaims().map { .notice(.claimRefused($0)) }
        let reasons = core.takeRefusedGleans()
        if core.refusedGleanCount > gleanRefusalsNoticed {
            effects.append(.notice(.gleansRefused(count: core.refusedGleanCount - gleanRefusalsNoticed, reasons: reasons)))
            gleanRefusalsNoticed = core.refusedGleanCount
        }
    }

    /// What each switch gets now: a switch new to its bridge the whole
    /// table, the others what changed since the last call. Nothing before
    /// the start-up deferral ends (no flow that is still right is removed
    /// by a restart).
    public mutating func takeFlowWork() -> [FlowWork] {
        guard deferral.mayProgramSwitches else { return [] }
        let updates = core.takeFlowUpdates()
        var work: [FlowWork] = []
        for (datapath, bridge) in binding.bridgeOf.sorted(by: { $0.key < $1.key }) {
            let refused = tunnelProblems[bridge] == nil ? nil : core.settings.vxlanPorts[bridge]
            if binding.isGiven(datapath) {
                guard var update = updates[bridge] else { continue }
                if let refused { update = TunnelRefusal.update(update, vxlanPort: refused) }
                work.append(.update(datapathID: datapath, update))
            } else if core.hasTables(bridge) {
                // The table a switch gets and the one the controller reads
                // back come from one function.
                binding.markGiven(datapath)
                if let tables = givenTables(datapathID: datapath) {
                    work.append(.replace(datapathID: datapath, bridge: bridge, tables))
                }
            }
        }
        return work
    }

    /// What a switch was given, as it stands now: its bridge's tables as
    /// last taken, without the tunnel while it is refused. The controller
    /// reads it to compare with the switch's dump (it keeps only digests of
    /// what it installed). Nil until the switch was given its bridge's table.
    public func givenTables(datapathID: DatapathID) -> SwitchTables? {
        guard binding.isGiven(datapathID), let bridge = binding.bridgeOf[datapathID], var tables = core.tables(bridge) else { return nil }
        if tunnelProblems[bridge] != nil, let refused = core.settings.vxlanPorts[bridge] {
            tables = TunnelRefusal.tables(tables, vxlanPort: refused)
        }
        return tables
    }

    // MARK: The state file

    /// Takes back what was gleaned before a restart (before any switch or
    /// reflector is heard, so the first reconcile and End-of-RIB keep it).
    public mutating func restoreLearned(_ state: LearnedState, downtime: Duration, at now: ContinuousClock.Instant) -> LearnedStateRestore {
        let report = core.restore(state, downtime: downtime, at: now)
        savedLearned = core.learnedContent
        return report
    }

    /// The state file now holds `content` (what `core.learnedContent` was when written).
    public mutating func learnedStateSaved(_ content: AgentCore.LearnedContent) {
        savedLearned = content
    }
}
