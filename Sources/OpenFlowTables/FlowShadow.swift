import OpenFlow

/// One switch's flows as the application wants them and as the switch is
/// known to hold them, without I/O: fed with wanted changes, the switch's
/// dumps and the outcome of each barrier-confirmed batch, it says which
/// FLOW_MODs to send next. The controller diffs against this shadow, so one
/// change costs work proportional to the change; the switch's real tables
/// are read only after a (re)connect and by an audit.
///
/// Only the keys where the switch may differ from what is wanted are kept
/// twice (`divergent`): once the switch has caught up, the shadow is one
/// table.
public struct FlowShadow: Sendable {
    /// Every flow the application wants.
    public private(set) var wanted = FlowSet()
    /// Keys where the switch may hold something else than `wanted`, with
    /// what it holds (nil: none of ours). Every other key holds `wanted`.
    private var divergent: [FlowKey: FlowEntry?] = [:]
    /// Keys whose FLOW_MOD the switch rejected, and when to try again.
    private var held: [FlowKey: Retry] = [:]
    /// Whether `divergent` describes the switch: false until the first
    /// dump of a connection, and again after it drops.
    public private(set) var isTrusted = false

    public struct Retry: Sendable, Hashable {
        public var attempts: Int
        public var notBefore: ContinuousClock.Instant
    }

    /// FLOW_MODs sent together and confirmed by one barrier.
    public struct Batch: Sendable {
        public struct Member: Sendable {
            public var key: FlowKey
            /// What the switch holds for the key once the FLOW_MOD is applied.
            public var sent: FlowEntry?
            public var command: FlowMod.Command
        }

        public var members: [Member]
        public var flowMods: [FlowMod]

        /// How many of each command the switch applied, given the rejected members.
        public func applied(_ command: FlowMod.Command, rejected: Set<Int> = []) -> Int {
            members.indices.filter { members[$0].command == command && !rejected.contains($0) }.count
        }
    }

    /// The cookies that are ours: a modify or delete hits only such a flow.
    public var owner: CookieSpace

    public init(owner: CookieSpace = .swiftplane) {
        self.owner = owner
    }

    /// Flows not yet known to be on the switch as wanted (rejected ones included).
    public var pendingCount: Int { divergent.count }

    /// What the switch is believed to hold for `key`.
    public func installed(_ key: FlowKey) -> FlowEntry? {
        if let known = divergent[key] { return known }
        return wanted[key]
    }

    // MARK: what the application wants

    public mutating func apply(_ changes: FlowChanges) {
        for (key, entry) in changes.byKey { want(entry, at: key) }
    }

    /// The whole table wanted: a full comparison (a reload or a first computation).
    public mutating func replaceWanted(with table: FlowTable) {
        guard isTrusted else {
            // Nothing is known of the switch: the next dump compares it all.
            wanted = FlowSet(table.entries)
            return
        }
        for key in wanted.keys where table[key] == nil { want(nil, at: key) }
        for entry in table.entries { want(entry, at: entry.key) }
    }

    private mutating func want(_ entry: FlowEntry?, at key: FlowKey) {
        guard isTrusted else {
            wanted[key] = entry
            return
        }
        let installed = self.installed(key)
        wanted[key] = entry
        if installed == entry {
            divergent[key] = nil
        } else {
            divergent[key] = .some(installed)
        }
        // A new wish for a rejected flow is tried at once.
        if !held.isEmpty { held[key] = nil }
    }

    // MARK: what the switch holds

    /// The switch's connection went: nothing is known of it until the next dump.
    public mutating func disconnected() {
        isTrusted = false
        held = [:]
        divergent = [:]
    }

    /// The switch's flows as dumped: what it holds replaces what we believed.
    /// Returns the drift, the number of keys where the switch held something
    /// else than we believed (0 for the first dump of a connection, where we
    /// believed nothing). Flows outside `owner` are foreign and stay, unless
    /// the application wants their key.
    @discardableResult
    public mutating func reconcile(dump: [FlowEntry], owner: CookieSpace) -> Int {
        var present: [FlowKey: FlowEntry] = [:]
        for flow in dump where owner.contains(flow.cookie) || wanted[flow.key] != nil { present[flow.key] = flow }
        var drift = 0
        if isTrusted {
            for (key, flow) in present where installed(key) != flow { drift += 1 }
            for key in wanted.keys where present[key] == nil && installed(key) != nil { drift += 1 }
            for (key, believed) in divergent where wanted[key] == nil && believed != nil && present[key] == nil { drift += 1 }
        }
        var next: [FlowKey: FlowEntry?] = [:]
        for (key, flow) in present where wanted[key] != flow { next[key] = .some(flow) }
        for key in wanted.keys where present[key] == nil { next[key] = .some(nil) }
        divergent = next
        held = held.filter { next[$0.key] != nil }
        isTrusted = true
        return drift
    }

    // MARK: sending

    /// Up to `limit` FLOW_MODs that bring the switch closer to what is
    /// wanted, adds and modifies before deletes (a packet always finds a
    /// flow); keys held after a rejection wait for their time. Nil when
    /// nothing can be sent now.
    public func nextBatch(limit: Int, at now: ContinuousClock.Instant) -> Batch? {
        guard isTrusted else { return nil }
        var installs: [Batch.Member] = []
        var deletes: [Batch.Member] = []
        var installMods: [FlowMod] = []
        var deleteMods: [FlowMod] = []
        for (key, have) in divergent {
            if installs.count + deletes.count >= limit { break }
            if !held.isEmpty, let retry = held[key], retry.notBefore > now { continue }
            switch (wanted[key], have) {
            case let (want?, have?) where want == have:
                continue
            case let (want?, have?) where want.cookie == have.cookie && want.idleTimeout == have.idleTimeout
                && want.hardTimeout == have.hardTimeout && want.flags == have.flags:
                // MODIFY_STRICT keeps the flow's counters.
                installs.append(Batch.Member(key: key, sent: want, command: .modifyStrict))
                installMods.append(want.flowMod(.modifyStrict, owner: owner))
            case let (want?, _):
                installs.append(Batch.Member(key: key, sent: want, command: .add))
                installMods.append(want.flowMod(.add))
            case let (nil, have?):
                deletes.append(Batch.Member(key: key, sent: nil, command: .deleteStrict))
                deleteMods.append(have.flowMod(.deleteStrict, owner: owner))
            case (nil, nil):
                continue
            }
        }
        guard !installs.isEmpty || !deletes.isEmpty else { return nil }
        return Batch(members: installs + deletes, flowMods: installMods + deleteMods)
    }

    /// The barrier closing `batch` came back; `rejected` holds the indices
    /// (in `batch.members`) of the FLOW_MODs the switch answered with an
    /// ERROR: those keep what the switch held and wait `backoff(attempts)`.
    public mutating func confirm(_ batch: Batch, rejected: Set<Int> = [], at now: ContinuousClock.Instant) {
        for (index, member) in batch.members.enumerated() {
            if rejected.contains(index) {
                let attempts = (held[member.key]?.attempts ?? 0) + 1
                held[member.key] = Retry(attempts: attempts, notBefore: now + Self.backoff(attempts: attempts))
                continue
            }
            if !held.isEmpty { held[member.key] = nil }
            if wanted[member.key] == member.sent {
                divergent[member.key] = nil
            } else {
                divergent[member.key] = .some(member.sent)
            }
        }
    }

    /// The wait before the n-th retry of a rejected FLOW_MOD: 100 ms doubling, at most 30 s.
    public static func backoff(attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 9)
        return min(.milliseconds(100 * (1 << exponent)), .seconds(30))
    }

    /// When the earliest held key may be tried again (nil: none held).
    public var nextRetry: ContinuousClock.Instant? { held.values.map(\.notBefore).min() }
}
