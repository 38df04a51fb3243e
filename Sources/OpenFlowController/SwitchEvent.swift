import NIOCore
import OpenFlow

/// A switch that finished its handshake.
public struct SwitchInfo: Sendable, Hashable {
    public var datapathID: DatapathID
    public var features: SwitchFeatures
    public var ports: [PortDescription]
    public var peer: String
}

/// The outcome of bringing a switch's flows to the wanted set.
public struct FlowSyncReport: Sendable, Hashable {
    public var datapathID: DatapathID
    public var added: Int
    public var modified: Int
    public var deleted: Int
    /// Flows that were already right.
    public var unchanged: Int
    /// GROUP_MODs and METER_MODs sent (zero when they are not managed).
    public var groups = EntryChanges()
    public var meters = EntryChanges()
    /// From reading the switch's flows to the barrier confirming the changes.
    public var duration: Duration = .zero
    /// FLOW_MODs the switch refused (not taken as installed; retried with backoff).
    public var rejected = 0
    /// Flows an audit found other than they were installed (repaired).
    public var drift = 0
    /// The switch's tables were read first (after a connect, or by an audit).
    public var readSwitch = false

    public var flowModsSent: Int { added &+ modified &+ deleted }

    public init(datapathID: DatapathID, added: Int, modified: Int, deleted: Int, unchanged: Int,
                groups: EntryChanges = EntryChanges(), meters: EntryChanges = EntryChanges(), duration: Duration = .zero) {
        self.datapathID = datapathID
        self.added = added
        self.modified = modified
        self.deleted = deleted
        self.unchanged = unchanged
        self.groups = groups
        self.meters = meters
        self.duration = duration
    }
}

/// Switch lifecycle and state events, in order per switch.
public enum SwitchEvent: Sendable {
    case up(SwitchInfo)
    case down(datapathID: DatapathID, reason: String)
    case portStatus(datapathID: DatapathID, PortStatus)
    case flowRemoved(datapathID: DatapathID, FlowRemoved)
    case flowsSynced(FlowSyncReport)
    case flowSyncFailed(datapathID: DatapathID, error: String)
    /// The switch refused a FLOW_MOD: the flow is not taken as installed and is retried with backoff.
    case flowRejected(datapathID: DatapathID, key: FlowKey, error: ErrorMessage)
    /// A second connection came with the datapath id of a connected switch.
    /// The connected one was probed with an ECHO_REQUEST: `keptFirst`, it
    /// answered and the newcomer (`peer`) was closed; else it was silent
    /// (a switch that restarted before its old connection timed out) and
    /// the newcomer took its place.
    case duplicateDatapath(datapathID: DatapathID, peer: String, keptFirst: Bool)
}

/// A PACKET_IN with the switch it came from.
public struct PacketInEvent: Sendable {
    public var datapathID: DatapathID
    public var packetIn: PacketIn
}

/// Counters of what was dropped or sent; one lock-protected value, read as a snapshot.
public struct ControllerStatistics: Sendable, Hashable {
    public var switchEventsDropped = 0
    public var packetInsDropped = 0
    public var packetOutsDropped = 0
    public var flowModsSent = 0
    public var malformedMessages = 0
    public var connectionsRejected = 0
    /// Connections that came with the datapath id of a connected switch.
    public var duplicateDatapaths = 0
    /// FLOW_MODs, GROUP_MODs and METER_MODs the switches refused.
    public var rejectedMods = 0
    /// Flows audits found drifted from what was installed.
    public var flowDrift = 0
    /// Batches of FLOW_MODs applied as one bundle, and bundles the switches
    /// refused (their FLOW_MODs then went one by one).
    public var bundlesCommitted = 0
    public var bundlesRejected = 0
}
