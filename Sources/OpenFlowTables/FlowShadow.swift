import OpenFlow

/// One switch's flows as the application wants them and as the switch is
/// known to hold them, without I/O: fed with wanted changes, the switch's
/// dumps and the outcome of each barrier-confirmed batch, it says which
/// FLOW_MODs to send next. The controller diffs against this shadow, so one
/// change costs work proportional to the change; the switch's real tables
/// are read only after a (re)connect and by an audit.
///
/// The shadow does not keep the flows themselves once the switch holds
/// them: the application can always give its whole table again (the agent
/// computes it from its state), so a flow the switch holds as wanted is
/// kept as a digest (`FlowDigest`, 24 bytes and a 64-bit key digest) and
/// only the keys where the switch may differ keep their flows whole
/// (`divergent`). Reading the switch (`reconcile`) therefore takes the
/// application's whole table with the dump.
public struct FlowShadow: Sendable {
    /// Every flow the application wants, as a digest, by its key's digest.
    private var wanted = DigestTable(placeholder: FlowDigest.placeholder)
    /// Keys where the switch may hold something else than wanted: the
    /// wanted flow whole (nil: none), and what the switch holds. Every
    /// other wanted key is held by the switch as wanted.
    private var divergent: [FlowKey: Divergence] = [:]
    /// Keys sent in a batch whose barrier has not come back.
    private var inFlight: Set<FlowKey> = []
    /// Keys whose FLOW_MOD the switch rejected, and when to try again.
    private var held: [FlowKey: Retry] = [:]
    /// Changes that arrived since `startRecording` (while the application's
    /// whole table is being read): applied again on top of that table.
    private var recording: Recording?
    /// Whether `divergent` describes the switch: false until the first
    /// dump of a connection, and again after it drops or the whole table
    /// is replaced without the previous one at hand.
    public private(set) var isTrusted = false

    struct Divergence: Sendable {
        var want: FlowEntry?
        var have: Holding
    }

    /// What the switch holds for a key.
    enum Holding: Sendable {
        /// Nothing of ours.
        case none
        /// This flow (read from a dump or sent).
        case flow(FlowEntry)
        /// The flow wanted before the key diverged, known by its digest.
        case settled(FlowDigest)

        func matches(_ entry: FlowEntry?) -> Bool {
            switch (self, entry) {
            case (.none, nil): true
            case let (.flow(have), want?): have == want
            case let (.settled(digest), want?): digest == FlowDigest(want)
            default: false
            }
        }
    }

    enum Recording: Sendable {
        case changes(FlowChanges)
        case replaced(FlowTable)
    }

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

    /// How many flows are wanted.
    public var wantedCount: Int { wanted.count }

    /// Flows not yet known to be on the switch as wanted (rejected ones included).
    public var pendingCount: Int { divergent.count }

    /// The room the pending keys hold (for the tests of giving it back).
    var pendingCapacity: Int { divergent.capacity + inFlight.capacity }

    /// Of those, the ones wanted on the switch (the others wait to be deleted).
    public var pendingWantedCount: Int { divergent.values.count { $0.want != nil } }

    // MARK: what the application wants

    public mutating func apply(_ changes: FlowChanges) {
        if case var .changes(recorded)? = recording {
            recording = nil
            recorded.merge(changes)
            recording = .changes(recorded)
        } else if case var .replaced(table)? = recording {
            recording = nil
            table.apply(changes)
            recording = .replaced(table)
        }
        if isTrusted { divergent.reserveCapacity(divergent.count + changes.count) }
        for (key, entry) in changes.byKey { want(entry, at: key) }
    }

    /// The whole table wanted (a reload, or a switch new to its bridge).
    /// With the table wanted until now (`previous`), a full comparison;
    /// without it, the keys to delete are unknown, so the switch must be
    /// read (`isTrusted` turns false) and `reconcile` settles it.
    public mutating func replaceWanted(with table: FlowTable, previous: FlowTable? = nil) {
        if recording != nil { recording = .replaced(table) }
        guard isTrusted, let previous else {
            disconnected()
            wanted.removeAll(keepingCapacity: table.count)
            for entry in table.entries { wanted[entry.key.hashValue] = FlowDigest(entry) }
            return
        }
        for (key, entry) in FlowChanges(replacing: previous, with: table).byKey { want(entry, at: key) }
    }

    private mutating func want(_ entry: FlowEntry?, at key: FlowKey) {
        let digest = key.hashValue
        let before = wanted[digest]
        wanted[digest] = entry.map(FlowDigest.init)
        guard isTrusted else { return }
        let have: Holding = if let known = divergent[key] { known.have } else if let before { .settled(before) } else { .none }
        if have.matches(entry), !inFlight.contains(key) {
            divergent[key] = nil
        } else {
            divergent[key] = Divergence(want: entry, have: have)
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
        inFlight = []
    }

    /// The application's whole table is about to be read for `reconcile`:
    /// changes that arrive meanwhile are applied again on top of it.
    public mutating func startRecording() {
        recording = .changes(FlowChanges())
    }

    /// The read failed: changes are no longer recorded.
    public mutating func stopRecording() {
        recording = nil
    }

    /// The switch's flows as dumped, with the application's whole table
    /// (`table`, read since `startRecording`): what the switch holds
    /// replaces what we believed, and the table with the changes recorded
    /// since is what is wanted. Returns the drift, the number of keys where
    /// the switch held something else than we believed (0 for the first
    /// dump of a connection, where we believed nothing). Flows outside
    /// `owner` are foreign and stay, unless the application wants their key.
    @discardableResult
    public mutating func reconcile(dump: [FlowEntry], wanted table: FlowTable, owner: CookieSpace) -> Int {
        let recorded = recording
        recording = nil
        var table = table
        switch recorded {
        case let .changes(changes)?: table.apply(changes)
        case let .replaced(replacement)?: table = replacement
        case nil: break
        }
        var present: [FlowKey: FlowEntry] = [:]
        for flow in dump where owner.contains(flow.cookie) || table[flow.key] != nil { present[flow.key] = flow }
        var drift = 0
        if isTrusted {
            // Keys believed held as wanted (by digest), and how many were seen.
            var settledSeen = 0
            for (key, flow) in present {
                if let known = divergent[key] {
                    if !known.have.matches(flow) { drift += 1 }
                } else if let digest = wanted[key.hashValue] {
                    settledSeen += 1
                    if digest != FlowDigest(flow) { drift += 1 }
                } else {
                    drift += 1
                }
            }
            let settled = wanted.count - divergent.values.filter { $0.want != nil }.count
            drift += settled - settledSeen
            for (key, known) in divergent where present[key] == nil {
                if case .none = known.have { continue }
                drift += 1
            }
        }
        wanted.removeAll(keepingCapacity: table.count)
        divergent = [:]
        for entry in table.entries {
            wanted[entry.key.hashValue] = FlowDigest(entry)
            if present[entry.key] == nil { divergent[entry.key] = Divergence(want: entry, have: .none) }
        }
        for (key, flow) in present {
            let want = table[key]
            if want != flow { divergent[key] = Divergence(want: want, have: .flow(flow)) }
        }
        held = held.filter { divergent[$0.key] != nil }
        inFlight = []
        isTrusted = true
        return drift
    }

    // MARK: sending

    /// Up to `limit` FLOW_MODs that bring the switch closer to what is
    /// wanted, adds and modifies before deletes (a packet always finds a
    /// flow); keys held after a rejection wait for their time. Nil when
    /// nothing can be sent now. The keys sent are in flight until `confirm`.
    public mutating func nextBatch(limit: Int, at now: ContinuousClock.Instant) -> Batch? {
        guard isTrusted else { return nil }
        var installs: [Batch.Member] = []
        var deletes: [Batch.Member] = []
        var installMods: [FlowMod] = []
        var deleteMods: [FlowMod] = []
        let room = min(limit, divergent.count)
        installs.reserveCapacity(room)
        installMods.reserveCapacity(room)
        for (key, known) in divergent {
            if installs.count + deletes.count >= limit { break }
            if inFlight.contains(key) { continue }
            if !held.isEmpty, let retry = held[key], retry.notBefore > now { continue }
            if known.have.matches(known.want) { continue }
            if let want = known.want {
                let sameHeader = switch known.have {
                case let .flow(have): FlowDigest.Header(have) == FlowDigest.Header(want)
                case let .settled(digest): digest.header == FlowDigest.Header(want)
                case .none: false
                }
                // MODIFY_STRICT keeps the flow's counters.
                let command: FlowMod.Command = sameHeader ? .modifyStrict : .add
                installs.append(Batch.Member(key: key, sent: want, command: command))
                installMods.append(want.flowMod(command, owner: owner))
            } else {
                let flowMod: FlowMod
                switch known.have {
                case let .flow(have): flowMod = have.flowMod(.deleteStrict, owner: owner)
                case let .settled(digest): flowMod = digest.deleteStrict(key, owner: owner)
                case .none: continue
                }
                deletes.append(Batch.Member(key: key, sent: nil, command: .deleteStrict))
                deleteMods.append(flowMod)
            }
        }
        guard !installs.isEmpty || !deletes.isEmpty else { return nil }
        inFlight.reserveCapacity(inFlight.count + installs.count + deletes.count)
        for member in installs { inFlight.insert(member.key) }
        for member in deletes { inFlight.insert(member.key) }
        if deletes.isEmpty { return Batch(members: installs, flowMods: installMods) }
        if installs.isEmpty { return Batch(members: deletes, flowMods: deleteMods) }
        return Batch(members: installs + deletes, flowMods: installMods + deleteMods)
    }

    /// The barrier closing `batch` came back; `rejected` holds the indices
    /// (in `batch.members`) of the FLOW_MODs the switch answered with an
    /// ERROR: those keep what the switch held and wait `backoff(attempts)`.
    public mutating func confirm(_ batch: Batch, rejected: Set<Int> = [], at now: ContinuousClock.Instant) {
        for (index, member) in batch.members.enumerated() {
            inFlight.remove(member.key)
            guard var known = divergent[member.key] else {
                if !held.isEmpty { held[member.key] = nil }
                continue
            }
            if rejected.contains(index) {
                // The switch holds what it held; a change meanwhile may have made that right.
                if known.have.matches(known.want) {
                    divergent[member.key] = nil
                    held[member.key] = nil
                } else {
                    let attempts = (held[member.key]?.attempts ?? 0) + 1
                    held[member.key] = Retry(attempts: attempts, notBefore: now + Self.backoff(attempts: attempts))
                }
                continue
            }
            if !held.isEmpty { held[member.key] = nil }
            known.have = member.sent.map(Holding.flow) ?? .none
            divergent[member.key] = known.have.matches(known.want) ? nil : known
        }
        // A dictionary keeps the room it grew to: after a bulk change of
        // 200,000 flows that is megabytes held for nothing once all is sent.
        if divergent.isEmpty, divergent.capacity > Self.keptCapacity { divergent = [:] }
        if inFlight.isEmpty, inFlight.capacity > Self.keptCapacity { inFlight = [] }
    }

    /// The room the pending keys keep when they empty; more is given back.
    static let keptCapacity = 4_096

    /// The wait before the n-th retry of a rejected FLOW_MOD: 100 ms doubling, at most 30 s.
    public static func backoff(attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 9)
        return min(.milliseconds(100 * (1 << exponent)), .seconds(30))
    }

    /// When the earliest held key may be tried again (nil: none held).
    public var nextRetry: ContinuousClock.Instant? { held.values.map(\.notBefore).min() }
}

/// A flow known by its digest: what the shadow keeps of a flow the switch
/// holds as wanted. The header (cookie, timeouts, flags) is kept exactly,
/// since it decides between MODIFY_STRICT and ADD; the rest (match and
/// instructions) is a 64-bit hash, compared with a dumped or wanted flow's.
struct FlowDigest: Sendable, Hashable {
    struct Header: Sendable, Hashable {
        var cookie: UInt64
        var idleTimeout: UInt16
        var hardTimeout: UInt16
        var flags: UInt16

        init(cookie: UInt64, idleTimeout: UInt16, hardTimeout: UInt16, flags: UInt16) {
            self.cookie = cookie
            self.idleTimeout = idleTimeout
            self.hardTimeout = hardTimeout
            self.flags = flags
        }

        init(_ entry: FlowEntry) {
            cookie = entry.cookie
            idleTimeout = entry.idleTimeout
            hardTimeout = entry.hardTimeout
            flags = entry.flags.rawValue
        }
    }

    var header: Header
    var body: Int

    /// What an empty slot of a `DigestTable` holds.
    static let placeholder = FlowDigest(header: Header(cookie: 0, idleTimeout: 0, hardTimeout: 0, flags: 0), body: 0)

    private init(header: Header, body: Int) {
        self.header = header
        self.body = body
    }

    init(_ entry: FlowEntry) {
        header = Header(entry)
        var hasher = Hasher()
        hasher.combine(entry.key)
        entry.key.matchTLVs.withUnsafeBytes { hasher.combine(bytes: $0) }
        entry.packedInstructions.bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        body = hasher.finalize()
    }

    /// A DELETE_STRICT of the flow at `key`, ours by `owner`'s cookie bits.
    func deleteStrict(_ key: FlowKey, owner: CookieSpace) -> FlowMod {
        FlowMod(cookie: header.cookie, cookieMask: owner.mask, tableID: key.tableID, command: .deleteStrict,
                idleTimeout: header.idleTimeout, hardTimeout: header.hardTimeout, priority: key.priority,
                flags: FlowMod.Flags(rawValue: header.flags), match: key.match, instructions: PackedInstructions([]))
    }
}
