import NIOCore

/// OFPT_PORT_STATUS.
public struct PortStatus: Sendable, Hashable, WireCodable {
    /// OFPPR_ADD (0), OFPPR_DELETE (1), OFPPR_MODIFY (2).
    public var reason: UInt8
    public var port: PortDescription

    public init(reason: UInt8, port: PortDescription) {
        self.reason = reason
        self.port = port
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(reason)
        buffer.writeZeros(7)
        port.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortStatus {
        let reason: UInt8 = try reader.read("port_status reason")
        try reader.skip(7, "port_status padding")
        return PortStatus(reason: reason, port: try PortDescription.decode(from: &reader))
    }
}
