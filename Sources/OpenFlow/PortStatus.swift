import NIOCore

/// OFPT_PORT_STATUS.
public struct PortStatus: Sendable, Hashable, WireCodable {
    public var reason: Reason
    public var port: PortDescription

    /// OFPPR_*: why the port changed. A struct, not an enum: a number
    /// OpenFlow 1.3 does not define still decodes.
    public struct Reason: RawRepresentable, ExpressibleByIntegerLiteral, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public init(integerLiteral value: UInt8) { self.init(rawValue: value) }

        public static let add = Self(rawValue: 0)
        public static let delete = Self(rawValue: 1)
        public static let modify = Self(rawValue: 2)
    }

    public init(reason: Reason, port: PortDescription) {
        self.reason = reason
        self.port = port
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(reason.rawValue)
        buffer.writeZeros(7)
        port.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortStatus {
        let reason: UInt8 = try reader.integer("port_status reason")
        try reader.skip(7, "port_status padding")
        return PortStatus(reason: Reason(rawValue: reason), port: try PortDescription.decode(from: &reader))
    }
}
