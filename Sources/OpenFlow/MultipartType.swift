import NIOCore

/// OFPMP_*: what a multipart request asks for and its reply carries. Both
/// directions share the numbers and the header, so both codecs read them here.
/// A struct, not an enum: a number OpenFlow 1.3 does not define still decodes.
public struct MultipartType: RawRepresentable, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let desc = Self(rawValue: 0)
    public static let flow = Self(rawValue: 1)
    public static let aggregate = Self(rawValue: 2)
    public static let table = Self(rawValue: 3)
    public static let portStats = Self(rawValue: 4)
    public static let queue = Self(rawValue: 5)
    public static let group = Self(rawValue: 6)
    public static let groupDesc = Self(rawValue: 7)
    public static let groupFeatures = Self(rawValue: 8)
    public static let meter = Self(rawValue: 9)
    public static let meterConfig = Self(rawValue: 10)
    public static let meterFeatures = Self(rawValue: 11)
    public static let tableFeatures = Self(rawValue: 12)
    public static let portDesc = Self(rawValue: 13)
    public static let experimenter = Self(rawValue: 0xffff)

    /// ofp_multipart_request / ofp_multipart_reply up to the body: type, flags, 4 bytes pad.
    static func encodeHeader(_ type: Self, flags: UInt16, into buffer: inout ByteBuffer) {
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags)
        buffer.writeZeros(4)
    }

    static func decodeHeader(from reader: inout WireReader) throws(OpenFlowDecodingError) -> (type: Self, flags: UInt16) {
        let type: UInt16 = try reader.read("multipart type")
        let flags: UInt16 = try reader.read("multipart flags")
        try reader.skip(4, "multipart padding")
        return (Self(rawValue: type), flags)
    }
}
