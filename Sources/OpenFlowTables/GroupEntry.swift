import OpenFlow

/// One group as the application wants it on a switch.
public struct GroupEntry: NumberedEntry {
    /// OFPGT_*.
    public enum Kind: UInt8, Sendable, Hashable {
        /// Every bucket gets a copy (flooding, replication).
        case all = 0
        case select = 1
        case indirect = 2
        case fastFailover = 3
    }

    public var id: UInt32
    /// The raw type, so a group of a type this enum does not know still compares.
    public var type: UInt8
    public var buckets: [Bucket]

    public init(id: UInt32, _ kind: Kind, buckets: [Bucket]) {
        self.id = id
        self.type = kind.rawValue
        self.buckets = buckets
    }

    /// The group as a switch reports it (group-desc multipart).
    public init(_ description: GroupDescription) {
        id = description.groupID
        type = description.type
        buckets = description.buckets
    }

    public func message(_ command: NumberedEntryCommand) -> OpenFlowMessage {
        .groupMod(GroupMod(command: command.rawValue, type: type, groupID: id,
                           buckets: command == .delete ? [] : buckets))
    }
}
