import NIOCore

/// ofp_bucket: one bucket of a group (GROUP_MOD, group-desc multipart).
public struct Bucket: Sendable, Hashable, WireCodable {
    public var weight: UInt16
    public var watchPort: UInt32
    public var watchGroup: UInt32
    public var actions: [Action]

    public init(weight: UInt16 = 0, watchPort: UInt32 = OpenFlowPort.any, watchGroup: UInt32 = FlowMod.anyGroup, actions: [Action]) {
        self.weight = weight
        self.watchPort = watchPort
        self.watchGroup = watchGroup
        self.actions = actions
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeWithLength { buffer, _ in
            buffer.writeInteger(weight)
            buffer.writeInteger(watchPort)
            buffer.writeInteger(watchGroup)
            buffer.writeZeros(4)
            Action.encodeList(actions, into: &buffer)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Bucket {
        var body = try reader.element("bucket length", minimum: 16)
        try body.skip(2, "bucket length")
        let weight: UInt16 = try body.integer("bucket weight")
        let watchPort: UInt32 = try body.integer("watch_port")
        let watchGroup: UInt32 = try body.integer("watch_group")
        try body.skip(4, "bucket padding")
        return Bucket(weight: weight, watchPort: watchPort, watchGroup: watchGroup, actions: try Action.decodeList(from: &body))
    }
}

/// OFPT_GROUP_MOD.
public struct GroupMod: Sendable, Hashable, WireCodable {
    /// OFPGC_ADD (0), MODIFY (1), DELETE (2).
    public var command: UInt16
    /// OFPGT_ALL (0), SELECT (1), INDIRECT (2), FF (3).
    public var type: UInt8
    public var groupID: UInt32
    public var buckets: [Bucket]

    public init(command: UInt16, type: UInt8, groupID: UInt32, buckets: [Bucket]) {
        self.command = command
        self.type = type
        self.groupID = groupID
        self.buckets = buckets
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(command)
        GroupDescription(type: type, groupID: groupID, buckets: buckets).encodeGroup(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> GroupMod {
        let command: UInt16 = try reader.integer("group command")
        let group = try GroupDescription.decodeGroup(from: &reader)
        return GroupMod(command: command, type: group.type, groupID: group.groupID, buckets: group.buckets)
    }
}
