import NIOCore

/// An Ethernet address as a 48-bit integer (the codec needs no richer type).
public struct MACAddress: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(_ rawValue: UInt64) { self.rawValue = rawValue & 0xffff_ffff_ffff }

    public var bytes: [UInt8] { OXMField.bigEndian(rawValue, width: 6) }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(truncatingIfNeeded: rawValue >> 32))
        buffer.writeInteger(UInt32(truncatingIfNeeded: rawValue))
    }

    static func decode(from reader: inout WireReader, _ what: StaticString) throws(OpenFlowDecodingError) -> MACAddress {
        let high: UInt16 = try reader.read(what)
        let low: UInt32 = try reader.read(what)
        return MACAddress(UInt64(high) << 32 | UInt64(low))
    }
}

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
        buffer.writeInteger(portNo)
        buffer.writeZeros(4)
        hardwareAddress.encode(into: &buffer)
        buffer.writeZeros(2)
        name.encode(into: &buffer, size: 16)
        for value in [config, state, current, advertised, supported, peer, currentSpeed, maxSpeed] {
            buffer.writeInteger(value)
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortDescription {
        let portNo: UInt32 = try reader.read("port_no")
        try reader.skip(4, "port padding")
        let address = try MACAddress.decode(from: &reader, "hw_addr")
        try reader.skip(2, "port padding")
        return PortDescription(portNo: portNo, hardwareAddress: address, name: try FixedString.decode(from: &reader, size: 16, "port name"),
                    config: try reader.read("config"), state: try reader.read("state"),
                    current: try reader.read("curr"), advertised: try reader.read("advertised"),
                    supported: try reader.read("supported"), peer: try reader.read("peer"),
                    currentSpeed: try reader.read("curr_speed"), maxSpeed: try reader.read("max_speed"))
    }
}

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

/// OFPT_PORT_MOD.
public struct PortMod: Sendable, Hashable, WireCodable {
    public var portNo: UInt32
    public var hardwareAddress: MACAddress
    public var config: UInt32
    public var mask: UInt32
    public var advertise: UInt32

    public init(portNo: UInt32, hardwareAddress: MACAddress, config: UInt32, mask: UInt32, advertise: UInt32 = 0) {
        self.portNo = portNo
        self.hardwareAddress = hardwareAddress
        self.config = config
        self.mask = mask
        self.advertise = advertise
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(portNo)
        buffer.writeZeros(4)
        hardwareAddress.encode(into: &buffer)
        buffer.writeZeros(2)
        buffer.writeInteger(config)
        buffer.writeInteger(mask)
        buffer.writeInteger(advertise)
        buffer.writeZeros(4)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortMod {
        let portNo: UInt32 = try reader.read("port_no")
        try reader.skip(4, "port_mod padding")
        let address = try MACAddress.decode(from: &reader, "hw_addr")
        try reader.skip(2, "port_mod padding")
        let mod = PortMod(portNo: portNo, hardwareAddress: address, config: try reader.read("config"),
                          mask: try reader.read("mask"), advertise: try reader.read("advertise"))
        try reader.skip(4, "port_mod padding")
        return mod
    }
}
