import OpenFlow

/// Everything the controller keeps for one switch: its flows', groups' and
/// meters' shadows, and whether its real tables must be read before the
/// next change (after a connect, for an audit).
struct SwitchShadow: Sendable {
    var flows: FlowShadow
    var groups = NumberedShadow<GroupEntry>()
    var meters = NumberedShadow<MeterEntry>()
    /// The whole table wanted, kept here when the application gives no
    /// source of it (`OpenFlowController.setWantedFlowSource`): the flows'
    /// shadow keeps only digests and needs the table to read the switch.
    var retained: FlowTable?
    /// The application has said what it wants on this switch.
    var managed = false
    var needsDump = true
    var auditing = false

    init(owner: CookieSpace) {
        flows = FlowShadow(owner: owner)
    }

    /// A new connection (or none): nothing is known of the switch until it is read.
    mutating func reconnected() {
        flows.disconnected()
        groups.disconnected()
        meters.disconnected()
        needsDump = true
        auditing = false
    }

    /// Groups or meters to add or modify now, if any.
    func installs(_ kind: NumberedKind, spaces: (groups: IDSpace, meters: IDSpace), at now: ContinuousClock.Instant) -> NumberedChange? {
        switch kind {
        case .groups:
            guard groups.mayInstall(at: now), let diff = groups.diff(owner: spaces.groups), !diff.installs.isEmpty else { return nil }
            return .groups(diff)
        case .meters:
            guard meters.mayInstall(at: now), let diff = meters.diff(owner: spaces.meters), !diff.installs.isEmpty else { return nil }
            return .meters(diff)
        }
    }

    /// Groups or meters of ours that are no longer wanted, if any.
    func removals(_ kind: NumberedKind, spaces: (groups: IDSpace, meters: IDSpace)) -> NumberedChange? {
        switch kind {
        case .groups:
            guard let diff = groups.diff(owner: spaces.groups), !diff.deletes.isEmpty else { return nil }
            return .groups(diff)
        case .meters:
            guard let diff = meters.diff(owner: spaces.meters), !diff.deletes.isEmpty else { return nil }
            return .meters(diff)
        }
    }

    mutating func confirmInstalls(_ kind: NumberedKind, _ change: NumberedChange) {
        switch change {
        case let .groups(diff): groups.installed(diff)
        case let .meters(diff): meters.installed(diff)
        }
    }

    mutating func confirmRemovals(_ kind: NumberedKind, _ change: NumberedChange) {
        switch change {
        case let .groups(diff): groups.removed(diff)
        case let .meters(diff): meters.removed(diff)
        }
    }

    mutating func rejectInstalls(_ kind: NumberedKind, at now: ContinuousClock.Instant) {
        switch kind {
        case .groups: groups.installRejected(at: now)
        case .meters: meters.installRejected(at: now)
        }
    }
}

enum NumberedKind: Sendable { case groups, meters }

/// A group or meter diff, for the messages and the report.
enum NumberedChange: Sendable {
    case groups(NumberedDiff<GroupEntry>)
    case meters(NumberedDiff<MeterEntry>)

    var installMessages: [OpenFlowMessage] {
        switch self {
        case let .groups(diff): diff.installs
        case let .meters(diff): diff.installs
        }
    }

    var removalMessages: [OpenFlowMessage] {
        switch self {
        case let .groups(diff): diff.removals
        case let .meters(diff): diff.removals
        }
    }

    var installChanges: EntryChanges {
        switch self {
        case let .groups(diff): EntryChanges(added: diff.adds.count, modified: diff.modifies.count)
        case let .meters(diff): EntryChanges(added: diff.adds.count, modified: diff.modifies.count)
        }
    }

    var removalChanges: EntryChanges {
        switch self {
        case let .groups(diff): EntryChanges(deleted: diff.deletes.count)
        case let .meters(diff): EntryChanges(deleted: diff.deletes.count)
        }
    }
}

extension FlowSyncReport {
    mutating func add(_ changes: EntryChanges, _ kind: NumberedKind) {
        switch kind {
        case .groups: groups = groups + changes
        case .meters: meters = meters + changes
        }
    }
}
