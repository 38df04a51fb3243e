/// Strict digit parsing for address text. The standard library's
/// `UInt16(_:radix:)` also takes a leading "+" or "-", which no address
/// syntax allows, so the address parsers read digits through these.
enum HexDigits {
    static let lower: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of one to four hex digits (either case); nil for anything
    /// else, so the result always fits.
    static func value(of digits: Substring.UTF8View.SubSequence) -> UInt16? {
        guard (1...4).contains(digits.count) else { return nil }
        var value: UInt16 = 0
        for c in digits {
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// The value of one to three decimal digits with no leading zero (so
    /// "010" is not read as octal by one tool and decimal by another); nil
    /// above 255 or for anything else.
    static func octet(of digits: Substring.UTF8View.SubSequence) -> UInt8? {
        guard (1...3).contains(digits.count), digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
        var value: UInt16 = 0
        for c in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return nil }
            value = value * 10 + UInt16(c &- UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
