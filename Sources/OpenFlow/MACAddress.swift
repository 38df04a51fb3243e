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
