import NIOCore

/// OFPT_ROLE_REQUEST / OFPT_ROLE_REPLY body.
public struct RoleMessage: Sendable, Hashable, WireCodable {
    /// OFPCR_ROLE_NOCHANGE (0), EQUAL (1), MASTER (2), SLAVE (3).
    public var role: UInt32
    public var generationID: UInt64

    public init(role: UInt32, generationID: UInt64 = 0) {
        self.role = role
        self.generationID = generationID
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(role)
        buffer.writeZeros(4)
        buffer.writeInteger(generationID)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> RoleMessage {
        let role: UInt32 = try reader.integer("role")
        try reader.skip(4, "role padding")
        return RoleMessage(role: role, generationID: try reader.integer("generation_id"))
    }
}
