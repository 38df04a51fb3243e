import FieldReader
/// A type-length-value of RFC 7854 §4.4 (Information), §4.5 (Termination)
/// and §4.8 (Statistics): 2-octet type and length. The type stays a number
/// so unknown ones decode too; `BMPInformationType` and friends name them.
public struct BMPTLV: Hashable, Sendable {
    public var type: UInt16
    public var value: [UInt8]

    public init(type: UInt16, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    public init(type: UInt16, text: String) { self.init(type: type, value: Array(text.utf8)) }

    /// An RFC 7854 §4.8 64-bit gauge.
    public static func gauge(_ type: UInt16, _ value: UInt64) -> BMPTLV {
        var v: [UInt8] = []
        v.appendBigEndian(value)
        return BMPTLV(type: type, value: v)
    }

    /// The value as UTF-8 text (lossy: for display).
    public var text: String { String(decoding: value, as: UTF8.self) }

    func encode(into out: inout [UInt8]) {
        // A value over 65535 octets is cut: the length field cannot say more.
        let v = value.prefix(Int(UInt16.max))
        out.appendBigEndian(type)
        out.appendBigEndian(UInt16(v.count))
        out += v
    }

    static func decodeAll(_ r: inout FieldReader, _ field: String) throws(BMPDecodingError) -> [BMPTLV] {
        var out: [BMPTLV] = []
        while r.remaining > 0 {
            let type = try r.u16("\(field) Type")
            let length = try r.u16("\(field) Length")
            out.append(BMPTLV(type: type, value: try r.bytes(Int(length), "\(field) Value (type \(type))")))
        }
        return out
    }
}
