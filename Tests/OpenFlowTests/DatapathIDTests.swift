import Foundation
import OpenFlow
import Testing

/// One rule for a datapath id typed by an operator (configuration,
/// `swiftplanectl flows --dpid`, the admin API's `?dpid=`) and one spelling
/// out (logs, metrics labels, reports), as ovs-ofctl and OVSDB print it.
struct DatapathIDTests {
    static let acceptedSpellings: [(String, UInt64)] = [
        ("0000aabbccddeeff", 0xaabb_ccdd_eeff),
        ("aabbccddeeff", 0xaabb_ccdd_eeff),
        ("0xaabbccddeeff", 0xaabb_ccdd_eeff),
        ("0XAABBCCDDEEFF", 0xaabb_ccdd_eeff),
        ("AaBbCcDdEeFf", 0xaabb_ccdd_eeff),
        ("1", 1),
        ("0", 0),
        ("0x0", 0),
        ("ffffffffffffffff", .max),
        ("0xffffffffffffffff", .max),
    ]

    @Test(arguments: acceptedSpellings)
    func accepted(_ text: String, _ value: UInt64) throws {
        let id = try #require(DatapathID(text))
        #expect(id.rawValue == value)
        // What is printed reads back as the same id.
        #expect(DatapathID(id.description) == id)
    }

    static let refusedSpellings = [
        "", "0x", "x1", "1ffffffffffffffff", "00000000000000001", "0x00000000000000001",
        "-1", "+1", " 1", "1 ", "00:00:aa:bb:cc:dd:ee:ff", "aabbccddeefg", "0x-1", "0o17", "0x0x1", "١",
    ]

    @Test(arguments: refusedSpellings)
    func refused(_ text: String) {
        #expect(DatapathID(text) == nil)
    }

    @Test(arguments: [
        (UInt64(0), "0000000000000000"), (0xab, "00000000000000ab"), (0xaabb_ccdd_eeff, "0000aabbccddeeff"), (.max, "ffffffffffffffff"),
    ] as [(UInt64, String)])
    func printedAsSixteenHexDigits(_ value: UInt64, _ text: String) {
        #expect(DatapathID(value).description == text)
    }

    /// The admin API's reports carry it in JSON: as it is printed, read by the same rule.
    @Test(arguments: acceptedSpellings)
    func json(_ text: String, _ value: UInt64) throws {
        let read = try JSONDecoder().decode([DatapathID].self, from: Data("[\"\(text)\"]".utf8))
        #expect(read == [DatapathID(value)])
        let written = String(decoding: try JSONEncoder().encode(read), as: UTF8.self)
        #expect(written == "[\"\(DatapathID(value).description)\"]")
    }

    @Test(arguments: refusedSpellings)
    func jsonRefused(_ text: String) throws {
        let json = try JSONEncoder().encode([text])
        let error = #expect(throws: DecodingError.self) { try JSONDecoder().decode([DatapathID].self, from: json) }
        guard case let .dataCorrupted(context)? = error else { Issue.record("not dataCorrupted: \(String(describing: error))"); return }
        #expect(context.debugDescription.contains("invalid value '\(text)'") && context.debugDescription.contains(DatapathID.expected))
    }
}
