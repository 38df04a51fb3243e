/// A switch's datapath id (OpenFlow 1.3 §7.3.1, `ofp_switch_features.datapath_id`):
/// 64 bits, the low 48 usually a MAC address of the switch. One spelling
/// out, as ovs-ofctl and OVSDB's `Bridge.datapath_id` print it (16 lower-case
/// hex digits), and one rule in: 1 to 16 hex digits, `0x` optional.
public struct DatapathID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// `0000aabbccddeeff`, `aabbccddeeff` or `0xAABBCCDDEEFF`; nil for anything
    /// else (empty, more than 16 digits, a sign, a space, colons).
    public init?(_ text: some StringProtocol) {
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : text[...]
        guard (1...16).contains(digits.utf8.count), digits.utf8.allSatisfy(\.isHexDigit), let value = UInt64(digits, radix: 16) else {
            return nil
        }
        rawValue = value
    }

    /// 16 lower-case hex digits.
    public var description: String {
        let hex = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// What a configuration or request error says a datapath id looks like.
    public static let expected = "a datapath id: up to 16 hex digits such as 0000aabbccddeeff, 0x optional"

    public static func < (a: DatapathID, b: DatapathID) -> Bool { a.rawValue < b.rawValue }
}

private extension UInt8 {
    var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}

/// In JSON (the admin API's reports): its one spelling out, read back by its one rule in.
extension DatapathID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = DatapathID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid value '\(text)': expected \(Self.expected)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension DatapathID: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt64) { rawValue = value }
}
