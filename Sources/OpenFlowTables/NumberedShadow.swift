import OpenFlow

/// The groups (or meters) wanted on a switch and those it is known to hold,
/// like `FlowShadow` for flows: small tables, so compared whole; read from
/// the switch only after a (re)connect and by an audit. Nil `wanted`: not
/// managed (never read, never changed).
public struct NumberedShadow<Entry: NumberedEntry>: Sendable {
    public var wanted: NumberedTable<Entry>?
    public private(set) var installed: [Entry] = []
    public private(set) var isTrusted = false
    /// Installs the switch rejected wait until then (a rejected meter must
    /// not hold back the flows: they go on, and those that need it are
    /// rejected and retried on their own).
    public private(set) var heldUntil: ContinuousClock.Instant?
    private var attempts = 0

    public init() {}

    public var isManaged: Bool { wanted != nil }

    public func diff(owner: IDSpace) -> NumberedDiff<Entry>? {
        guard let wanted, isTrusted else { return nil }
        return NumberedDiff(wanted: wanted, installed: installed, owner: owner)
    }

    /// Whether installs may be sent now.
    public func mayInstall(at now: ContinuousClock.Instant) -> Bool { heldUntil.map { $0 <= now } ?? true }

    public mutating func reconcile(dump: [Entry]) {
        installed = dump
        isTrusted = true
    }

    public mutating func disconnected() {
        isTrusted = false
        heldUntil = nil
        attempts = 0
    }

    /// The adds and modifies of `diff` are on the switch.
    public mutating func installed(_ diff: NumberedDiff<Entry>) {
        let changed = Set((diff.adds + diff.modifies).map(\.id))
        installed = installed.filter { !changed.contains($0.id) } + diff.adds + diff.modifies
        heldUntil = nil
        attempts = 0
    }

    /// The switch rejected the installs of a diff: tried again after a backoff.
    public mutating func installRejected(at now: ContinuousClock.Instant) {
        attempts += 1
        heldUntil = now + FlowShadow.backoff(attempts: attempts)
    }

    /// The deletes of `diff` are done.
    public mutating func removed(_ diff: NumberedDiff<Entry>) {
        let gone = Set(diff.deletes.map(\.id))
        installed.removeAll { gone.contains($0.id) }
    }
}
