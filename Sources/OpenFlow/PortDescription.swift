import NIOCore

/// ofp_port: a switch port's description (PORT_STATUS, port-desc multipart).
public struct PortDescription: Sendable, Hashable, WireCodable {
    public var portNo: UInt32
    public var hardwareAddress: MACAddress
    public var name: FixedString
    /// OFPPC_* bits.
    public var config: UInt32
    /// OFPPS_* bits (OFPPS_LINK_DOWN = 1).
    public var state: UInt32
    public var current: UInt32
    public var advertised: UInt32
    public var supported: UInt32
    public var peer: UInt32
    public var currentSpeed: UInt32
    public var maxSpeed: UInt32

    public static let size = 64

    public init(portNo: UInt32, hardwareAddress: MACAddress, name: FixedString, config: UInt32 = 0, state: UInt32 = 0,
                current: UInt32 = 0, advertised: UInt32 = 0, supported: UInt32 = 0, peer: UInt32 = 0,
                currentSpeed: UInt32 = 0, maxSpeed: UInt32 = 0) {
        self.portNo = portNo
        self.hardwareAddress = hardwareAddress
        self.name = name
        self.config = config
        self.state = state
        self.current = current
        self.advertised = advertised
        self.supported = supported
        self.peer = peer
        self.currentSpeed = currentSpeed
        self.maxSpeed = maxSpeed
    }

    func encode(into buffer: inout ByteBuffer) {
        Self.encodeHeader(portNo: portNo, hardwareAddress: hardwareAddress, into: &buffer)
        name.encode(into: &buffer, size: 16)
        for value in [config, state, current, advertised, supported, peer, currentSpeed, maxSpeed] {
            buffer.writeInteger(value)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortDescription {
        let (portNo, address) = try decodeHeader(from: &reader, "port")
        return PortDescription(portNo: portNo, hardwareAddress: address, name: try FixedString.decode(from: &reader, size: 16, "port name"),
                    config: try reader.integer("config"), state: try reader.integer("state"),
                    current: try reader.integer("curr"), advertised: try reader.integer("advertised"),
                    supported: try reader.integer("supported"), peer: try reader.integer("peer"),
                    currentSpeed: try reader.integer("curr_speed"), maxSpeed: try reader.integer("max_speed"))
    }
}

extension PortDescription {
    /// port_no, 4 bytes of padding, hw_addr, 2 of padding: how ofp_port and
    /// OFPT_PORT_MOD both begin.
    static func encodeHeader(portNo: UInt32, hardwareAddress: MACAddress, into buffer: inout ByteBuffer) {
        buffer.writeInteger(portNo)
        buffer.writeZeros(4)
        hardwareAddress.encode(into: &buffer)
        buffer.writeZeros(2)
    }

    /// The header `encodeHeader` writes; `structure` names it in errors.
    static func decodeHeader(from reader: inout WireReader, _ structure: String) throws(OpenFlowDecodingError)
        -> (portNo: UInt32, hardwareAddress: MACAddress) {
        let portNo: UInt32 = try reader.integer("port_no")
        try reader.skip(4, "\(structure) padding")
        let address = try MACAddress.decode(from: &reader, "hw_addr")
        try reader.skip(2, "\(structure) padding")
        return (portNo, address)
    }
}
