import OpenFlow

/// What identifies a flow inside a switch: OpenFlow treats two flows with the
/// same table, priority and match as the same flow (an ADD replaces it).
public struct FlowKey: Sendable, Hashable, CustomStringConvertible {
    public let tableID: UInt8
    public let priority: UInt16
    public let match: Match
    /// The match's hash, computed once: hashing a `Match` decodes and sorts
    /// its fields, and the controller's shadow hashes every key several times.
    private let matchHash: Int

    public init(tableID: UInt8, priority: UInt16, match: Match) {
        self.tableID = tableID
        self.priority = priority
        self.match = match
        matchHash = match.hashValue
    }

    public static func == (lhs: FlowKey, rhs: FlowKey) -> Bool {
        lhs.tableID == rhs.tableID && lhs.priority == rhs.priority && lhs.matchHash == rhs.matchHash && lhs.match == rhs.match
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tableID)
        hasher.combine(priority)
        hasher.combine(matchHash)
    }

    public var description: String { "table=\(tableID),priority=\(priority),\(match)" }
}

/// One flow as the application wants it on a switch.
public struct FlowEntry: Sendable, Hashable {
    public var key: FlowKey
    public var cookie: UInt64
    public var instructions: [Instruction]
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var flags: FlowMod.Flags

    public init(tableID: UInt8 = 0, priority: UInt16, match: Match = Match(), cookie: UInt64,
                instructions: [Instruction], idleTimeout: UInt16 = 0, hardTimeout: UInt16 = 0,
                flags: FlowMod.Flags = []) {
        self.key = FlowKey(tableID: tableID, priority: priority, match: match)
        self.cookie = cookie
        self.instructions = instructions
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.flags = flags
    }

    /// The flow as a switch reports it in a flow-stats reply (counters dropped).
    public init(_ stats: FlowStats) {
        self.init(tableID: stats.tableID, priority: stats.priority, match: stats.match, cookie: stats.cookie,
                  instructions: stats.instructions, idleTimeout: stats.idleTimeout, hardTimeout: stats.hardTimeout,
                  flags: stats.flags)
    }

    /// A FLOW_MOD installing or changing this flow with `command`. A modify
    /// or delete hits the flow of this key only if its cookie is in `owner`'s
    /// space. Not the whole cookie: given an all-ones cookie mask, OVS looks
    /// the flow up through its index of cookies, which scans every flow with
    /// the same cookie (the pipeline gives thousands of flows one cookie per
    /// role and VNI); any other mask takes the classifier's exact lookup.
    public func flowMod(_ command: FlowMod.Command, owner: CookieSpace = .swiftplane) -> FlowMod {
        FlowMod(cookie: cookie, cookieMask: command == .add ? 0 : owner.mask, tableID: key.tableID, command: command,
                idleTimeout: idleTimeout, hardTimeout: hardTimeout, priority: key.priority, flags: flags,
                match: key.match, instructions: command == .deleteStrict ? [] : instructions)
    }
}
