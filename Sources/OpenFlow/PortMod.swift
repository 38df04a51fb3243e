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
        PortDescription.encodeHeader(portNo: portNo, hardwareAddress: hardwareAddress, into: &buffer)
        buffer.writeInteger(config)
        buffer.writeInteger(mask)
        buffer.writeInteger(advertise)
        buffer.writeZeros(4)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> PortMod {
        let (portNo, address) = try PortDescription.decodeHeader(from: &reader, "port_mod")
        let mod = PortMod(portNo: portNo, hardwareAddress: address, config: try reader.integer("config"),
                          mask: try reader.integer("mask"), advertise: try reader.integer("advertise"))
        try reader.skip(4, "port_mod padding")
        return mod
    }
}
