import NIOCore

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
        let portNo: UInt32 = try reader.integer("port_no")
        try reader.skip(4, "port_mod padding")
        let address = try MACAddress.decode(from: &reader, "hw_addr")
        try reader.skip(2, "port_mod padding")
        let mod = PortMod(portNo: portNo, hardwareAddress: address, config: try reader.integer("config"),
                          mask: try reader.integer("mask"), advertise: try reader.integer("advertise"))
        try reader.skip(4, "port_mod padding")
        return mod
    }
}
