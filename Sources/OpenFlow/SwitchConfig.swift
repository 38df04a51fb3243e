import NIOCore

/// OFPT_GET_CONFIG_REPLY / OFPT_SET_CONFIG body (ofp_switch_config).
public struct SwitchConfig: Sendable, Hashable, WireCodable {
    /// OFPC_FRAG_* flags.
    public var flags: UInt16
    /// Bytes of a table-miss packet sent to the controller (0xffff: whole packet).
    public var missSendLength: UInt16

    public init(flags: UInt16 = 0, missSendLength: UInt16) {
        self.flags = flags
        self.missSendLength = missSendLength
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(flags)
        buffer.writeInteger(missSendLength)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> SwitchConfig {
        SwitchConfig(flags: try reader.integer("config flags"), missSendLength: try reader.integer("miss_send_len"))
    }
}
