import OpenFlow

/// What identifies a flow inside a switch: OpenFlow treats two flows with the
/// same table, priority and match as the same flow (an ADD replaces it).
///
/// The controller keeps a key and an entry for every flow of every switch, so
/// both are compact: the match is held as its canonical TLVs (equal matches,
/// equal bytes), hashed once, and a key taken from a `FlowEntry` shares that
/// entry's one array, which holds the match and then the instructions. A flow
/// costs one allocation. `match` rebuilds the codec's value for a message.
public struct FlowKey: Sendable, Hashable, CustomStringConvertible {
    public let tableID: UInt8
    public let priority: UInt16
    /// How many leading bytes of `storage` are the match.
    private let matchCount: UInt16
    /// The canonical match TLVs, then (in an entry's key) its instructions.
    fileprivate let storage: [UInt8]
    private let matchHash: Int

    public init(tableID: UInt8, priority: UInt16, match: Match) {
        let tlvs = match.canonicalTLVs
        self.init(tableID: tableID, priority: priority, storage: tlvs, matchCount: tlvs.count)
    }

    /// `storage`: the match's canonical TLVs (its first `matchCount`
    /// bytes), then an entry's instructions, if any.
    fileprivate init(tableID: UInt8, priority: UInt16, storage: [UInt8], matchCount: Int) {
        self.tableID = tableID
        self.priority = priority
        self.matchCount = UInt16(truncatingIfNeeded: matchCount)
        self.storage = storage
        matchHash = storage.withUnsafeBytes { bytes in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<matchCount]))
            return hasher.finalize()
        }
    }

    /// The match's canonical TLVs.
    public var matchTLVs: ArraySlice<UInt8> { storage[..<Int(matchCount)] }

    /// The match as the codec's value (built anew on each read).
    public var match: Match {
        // Made from a match's canonical TLVs, so well formed.
        Match(tlvs: matchTLVs) ?? Match()
    }

    public static func == (lhs: FlowKey, rhs: FlowKey) -> Bool {
        guard lhs.tableID == rhs.tableID, lhs.priority == rhs.priority, lhs.matchHash == rhs.matchHash,
              lhs.matchCount == rhs.matchCount else { return false }
        return lhs.storage.withUnsafeBufferPointer { l in
            rhs.storage.withUnsafeBufferPointer { r in
                let count = Int(lhs.matchCount)
                return l.baseAddress == r.baseAddress || l[..<count].elementsEqual(r[..<count])
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tableID)
        hasher.combine(priority)
        hasher.combine(matchHash)
    }

    public var description: String { "table=\(tableID),priority=\(priority),\(match)" }
}

/// One flow as the application wants it on a switch: its key's array holds
/// the instructions too (see `FlowKey`).
public struct FlowEntry: Sendable, Hashable {
    public private(set) var key: FlowKey
    public var cookie: UInt64
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var flags: FlowMod.Flags

    /// The instructions' wire bytes (no copy).
    public var packedInstructions: PackedInstructions {
        PackedInstructions(unchecked: key.storage[Int(key.matchTLVs.count)...])
    }

    /// Decoded from the packed bytes on every read.
    public var instructions: [Instruction] {
        get { packedInstructions.values }
        set {
            // The match's bytes are canonical already: kept as they are, the new instructions after them.
            let match = key.matchTLVs
            key = FlowKey(tableID: key.tableID, priority: key.priority,
                          storage: Array(match) + PackedInstructions(newValue).bytes, matchCount: match.count)
        }
    }

    public init(tableID: UInt8 = 0, priority: UInt16, match: Match = Match(), cookie: UInt64,
                instructions: [Instruction], idleTimeout: UInt16 = 0, hardTimeout: UInt16 = 0,
                flags: FlowMod.Flags = []) {
        // One array for match and instructions, written once.
        let packed = match.packed(with: instructions)
        self.key = FlowKey(tableID: tableID, priority: priority, storage: packed.bytes, matchCount: packed.matchCount)
        self.cookie = cookie
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.flags = flags
    }

    public static func == (lhs: FlowEntry, rhs: FlowEntry) -> Bool {
        lhs.key == rhs.key && lhs.cookie == rhs.cookie && lhs.idleTimeout == rhs.idleTimeout
            && lhs.hardTimeout == rhs.hardTimeout && lhs.flags == rhs.flags && lhs.packedInstructions == rhs.packedInstructions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(cookie)
        hasher.combine(packedInstructions)
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
                match: key.match, instructions: command == .deleteStrict ? PackedInstructions([]) : packedInstructions)
    }
}

extension FlowEntry: CustomStringConvertible {
    public var description: String {
        var text = "\(key),cookie=0x\(String(cookie, radix: 16))"
        if idleTimeout > 0 { text += ",idle_timeout=\(idleTimeout)" }
        if hardTimeout > 0 { text += ",hard_timeout=\(hardTimeout)" }
        return text + ",instructions=\(instructions)"
    }
}
