/// Progress of a large reconciliation: its FLOW_MODs go out in
/// barrier-confirmed chunks, and after a chunk a line is due when a second
/// has passed since the last one, so an operator watching the log of a
/// million-flow sync sees it move. A plain value fed instants; the
/// controller logs what it says.
public struct ReconcileProgress: Sendable, Hashable {
    /// FLOW_MODs per barrier-confirmed chunk: big enough that the extra
    /// barriers cost nothing measurable, small enough for a line a second.
    public static let chunk = 20_000

    public let total: Int
    public private(set) var sent = 0
    private var lastReport: ContinuousClock.Instant
    private let interval: Duration

    public init(total: Int, startedAt: ContinuousClock.Instant, interval: Duration = .seconds(1)) {
        self.total = total
        self.lastReport = startedAt
        self.interval = interval
    }

    /// Whether the change is large enough to be sent in chunks with progress.
    public static func isLarge(_ count: Int) -> Bool { count > chunk }

    /// The ranges of the messages to send, one chunk each.
    public static func chunks(_ count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: chunk).map { $0..<min($0 + chunk, count) }
    }

    /// Records `count` more confirmed; true when a progress line is due now
    /// (never for the last chunk: the summary line says it).
    public mutating func confirmed(_ count: Int, at now: ContinuousClock.Instant) -> Bool {
        sent += count
        guard sent < total, now - lastReport >= interval else { return false }
        lastReport = now
        return true
    }

    /// "120000/1000000 (12%)".
    public var description: String { "\(sent)/\(total) (\(total == 0 ? 100 : sent * 100 / total)%)" }
}
