/// A row's UUID as OVSDB writes it: 8-4-4-4-12 hex digits (RFC 7047 5.1).
public struct OVSDBUUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `text` has the UUID shape; kept lowercase so equal UUIDs compare equal.
    public init?(_ text: String) {
        guard text.utf8.count == 36 else { return nil }
        var upper = false
        for (i, b) in text.utf8.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard b == UInt8(ascii: "-") else { return nil }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(b)
                else { return nil }
                if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F") { upper = true }
            }
        }
        // OVSDB writes lowercase; only other spellings pay for a copy.
        rawValue = upper ? text.lowercased() : text
    }

    public var description: String { rawValue }
    public static func < (a: OVSDBUUID, b: OVSDBUUID) -> Bool { a.rawValue < b.rawValue }
}
