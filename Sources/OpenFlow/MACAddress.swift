import NIOCore

/// OpenFlow's name for the shared Ethernet address type, so a port's
/// hw_addr, a frame's source and an EVPN route's MAC are one type.
public typealias MACAddress = EthernetAddress

extension EthernetAddress {
    /// ofp_port's hw_addr: six bytes, as a 16-bit and a 32-bit big-endian
    /// integer (no allocation).
    func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(truncatingIfNeeded: rawValue >> 32))
        buffer.writeInteger(UInt32(truncatingIfNeeded: rawValue))
    }

    static func decode(from reader: inout WireReader, _ what: @autoclosure () -> String) throws(OpenFlowDecodingError) -> EthernetAddress {
        let high: UInt16 = try reader.integer(what())
        let low: UInt32 = try reader.integer(what())
        return EthernetAddress(rawValue: UInt64(high) << 32 | UInt64(low))
    }
}
