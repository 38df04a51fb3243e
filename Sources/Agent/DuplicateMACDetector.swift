import Overlay

/// RFC 7432 section 15.1 duplicate MAC detection, without I/O: fed with the
/// MAC mobility sequence number of each (VNI, MAC) as it changes, and the
/// time. Every increase is one move (the sequence grows by one per move);
/// a MAC that moves more than `maximumMoves` times within `window` is
/// frozen, and stays frozen until the operator acts (a configuration
/// reload makes a new detector).
public struct DuplicateMACDetector: Sendable {
    public struct Settings: Hashable, Sendable {
        /// N: moves tolerated within the window (RFC 7432 default 5).
        public var maximumMoves: Int
        /// M (RFC 7432 default 180 s).
        public var window: Duration

        public init(maximumMoves: Int = 5, window: Duration = .seconds(180)) {
            self.maximumMoves = maximumMoves
            self.window = window
        }
    }

    /// A frozen MAC: when, and after how many moves in the window.
    public struct Frozen: Hashable, Sendable, CustomStringConvertible {
        public var key: EndpointKey
        public var since: ContinuousClock.Instant
        public var moves: Int
        public var sequence: UInt32

        public var description: String {
            "vni \(key.vni) mac \(key.mac): \(moves) moves, frozen at sequence \(sequence)"
        }
    }

    public let settings: Settings
    private var sequences: [EndpointKey: UInt32] = [:]
    private var recentMoves: [EndpointKey: [ContinuousClock.Instant]] = [:]
    public private(set) var frozen: [EndpointKey: Frozen] = [:]

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    public func isFrozen(_ key: EndpointKey) -> Bool { frozen[key] != nil }

    /// Records the highest sequence now known for `key`. Returns the freeze
    /// when this observation is the move that froze it (exactly once per MAC).
    public mutating func observe(_ key: EndpointKey, sequence: UInt32, at now: ContinuousClock.Instant) -> Frozen? {
        guard frozen[key] == nil else { return nil }
        guard let last = sequences[key] else {
            // The first sighting is where the MAC is, not a move.
            sequences[key] = sequence
            return nil
        }
        guard sequence > last else { return nil }
        sequences[key] = sequence
        var moves = (recentMoves[key] ?? []).filter { now - $0 < settings.window }
        moves.append(now)
        recentMoves[key] = moves
        guard moves.count > settings.maximumMoves else { return nil }
        let freeze = Frozen(key: key, since: now, moves: moves.count, sequence: sequence)
        frozen[key] = freeze
        recentMoves[key] = nil
        return freeze
    }

    /// The operator's corrective action for one MAC: it moves freely again,
    /// its count of moves from zero. True when it was frozen.
    public mutating func thaw(_ key: EndpointKey) -> Bool {
        recentMoves[key] = nil
        return frozen.removeValue(forKey: key) != nil
    }

    /// A MAC no longer known anywhere: its history goes (a frozen one stays frozen).
    public mutating func forget(_ key: EndpointKey) {
        sequences[key] = nil
        recentMoves[key] = nil
    }
}
