import NIOCore
import OVSDB
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    typealias Valid = JSONText<JSONValue>

    static let valid: [Valid] = [
        Valid(text: "null", value: .null),
        Valid(text: " true ", value: .bool(true)),
        Valid(text: "false", value: .bool(false)),
        Valid(text: "0", value: .integer(0)),
        Valid(text: "-0", value: .integer(0)),
        Valid(text: "65534", value: .integer(65534)),
        Valid(text: "-1", value: .integer(-1)),
        Valid(text: "9223372036854775807", value: .integer(.max)),
        Valid(text: "-9223372036854775808", value: .integer(.min)),
        Valid(text: "9223372036854775808", value: .real(9223372036854775808.0)),
        Valid(text: "1.5", value: .real(1.5)),
        Valid(text: "-2.5e3", value: .real(-2500)),
        Valid(text: "1E-2", value: .real(0.01)),
        Valid(text: #""""#, value: .string("")),
        Valid(text: #""a\"b\\c\/d\b\f\n\r\t""#, value: .string("a\"b\\c/d\u{8}\u{c}\n\r\t")),
        Valid(text: #""\u00e9\u20AC""#, value: .string("é€")),
        Valid(text: #""\ud83d\ude00""#, value: .string("😀")),
        Valid(text: "\"é😀\"", value: .string("é😀")),
        Valid(text: "[]", value: .array([])),
        Valid(text: "{}", value: .object([:])),
        Valid(text: #"[1, "two", [null], {"k": false}]"#, value: [1, "two", [nil], ["k": false]]),
        Valid(text: #"{"set":["set",[["uuid","6e0e9e8a-1c7e-4a8f-9d1e-000000000001"]]]}"#,
              value: ["set": ["set", [["uuid", "6e0e9e8a-1c7e-4a8f-9d1e-000000000001"]]]]),
        Valid(text: "\n\t{ \"a\" :\r\n1 }\n", value: ["a": 1]),
    ]

    @Test("valid texts give their value", arguments: valid)
    func parsesValid(_ vector: Valid) throws {
        #expect(try JSONParser().parse(vector.text) == vector.value)
    }

    @Test("a value written out parses back to itself", arguments: valid)
    func roundTrips(_ vector: Valid) throws {
        var buffer = ByteBuffer()
        vector.value.write(to: &buffer)
        #expect(try JSONParser().parse(buffer) == vector.value)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: [UInt8]
        var kind: JSONParseError.Kind
        var offset: Int
        init(_ text: String, _ kind: JSONParseError.Kind, at offset: Int) {
            self.text = Array(text.utf8)
            self.kind = kind
            self.offset = offset
        }
        init(bytes: [UInt8], _ kind: JSONParseError.Kind, at offset: Int) {
            self.text = bytes
            self.kind = kind
            self.offset = offset
        }
        var testDescription: String { String(decoding: text, as: UTF8.self) }
    }

    static let invalid: [Invalid] = [
        Invalid("", .unexpectedEnd, at: 0),
        Invalid("   ", .unexpectedEnd, at: 3),
        Invalid("nul", .unexpectedEnd, at: 3),
        Invalid("nulL", .unexpectedByte(UInt8(ascii: "L")), at: 3),
        Invalid("tru e", .unexpectedByte(0x20), at: 3),
        Invalid("01", .trailingBytes, at: 1),
        Invalid("1 2", .trailingBytes, at: 2),
        Invalid("-", .unexpectedEnd, at: 1),
        Invalid("-a", .unexpectedByte(UInt8(ascii: "a")), at: 1),
        Invalid("1.", .unexpectedEnd, at: 2),
        Invalid("1.e3", .unexpectedByte(UInt8(ascii: "e")), at: 2),
        Invalid("1e", .unexpectedEnd, at: 2),
        Invalid("1e+", .unexpectedEnd, at: 3),
        Invalid("+1", .unexpectedByte(UInt8(ascii: "+")), at: 0),
        Invalid(".5", .unexpectedByte(UInt8(ascii: ".")), at: 0),
        Invalid("1e999", .numberOutOfRange, at: 0),
        Invalid("[1e999]", .numberOutOfRange, at: 1),
        Invalid(#""abc"#, .unexpectedEnd, at: 4),
        Invalid("\"a\u{1}b\"", .controlCharacterInString, at: 2),
        Invalid("\"a\nb\"", .controlCharacterInString, at: 2),
        Invalid(#""\x""#, .invalidEscape, at: 1),
        Invalid(#""ab\"#, .unexpectedEnd, at: 4),
        Invalid(#""\u12G4""#, .invalidUnicodeEscape, at: 1),
        Invalid(#""\u12"#, .unexpectedEnd, at: 5),
        Invalid(#""\ud83d""#, .invalidUnicodeEscape, at: 1),
        Invalid(#""\ud83dx""#, .invalidUnicodeEscape, at: 1),
        Invalid(#""\ud83d\u0041""#, .invalidUnicodeEscape, at: 7),
        Invalid(#""\ude00""#, .invalidUnicodeEscape, at: 1),
        Invalid(bytes: [0x22, 0x61, 0xff, 0x22], .invalidUTF8, at: 0),
        Invalid(bytes: [0x22, 0xc3, 0x22], .invalidUTF8, at: 0),
        Invalid(bytes: [0x22, 0xed, 0xa0, 0x80, 0x22], .invalidUTF8, at: 0),
        Invalid("[", .unexpectedEnd, at: 1),
        Invalid("[1,", .unexpectedEnd, at: 3),
        Invalid("[1,]", .unexpectedByte(UInt8(ascii: "]")), at: 3),
        Invalid("[1 2]", .unexpectedByte(UInt8(ascii: "2")), at: 3),
        Invalid("[1}", .unexpectedByte(UInt8(ascii: "}")), at: 2),
        Invalid("{", .unexpectedEnd, at: 1),
        Invalid("{1:2}", .unexpectedByte(UInt8(ascii: "1")), at: 1),
        Invalid(#"{"a" 1}"#, .unexpectedByte(UInt8(ascii: "1")), at: 5),
        Invalid(#"{"a":}"#, .unexpectedByte(UInt8(ascii: "}")), at: 5),
        Invalid(#"{"a":1,}"#, .unexpectedByte(UInt8(ascii: "}")), at: 7),
        Invalid(#"{"a":1,"a":2}"#, .duplicateKey("a"), at: 7),
        Invalid("{} {}", .trailingBytes, at: 3),
        Invalid("\u{feff}1", .unexpectedByte(0xef), at: 0),
        Invalid(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), .tooDeep(limit: 64), at: 64),
        Invalid(String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65), .tooDeep(limit: 64), at: 320),
    ]

    @Test("invalid texts give the fault and its offset", arguments: invalid)
    func refusesInvalid(_ vector: Invalid) {
        #expect(throws: JSONParseError(vector.kind, at: vector.offset)) {
            try JSONParser().parse(vector.text)
        }
    }

    @Test("the size limit is checked before any parsing", arguments: [(16, true), (15, false)])
    func sizeLimit(limit: Int, accepted: Bool) {
        let text = #"{"abc":"defghi"}"#  // 16 bytes
        let result = Result { try JSONParser(maximumBytes: limit).parse(text) }
        if accepted {
            #expect((try? result.get()) == ["abc": "defghi"])
        } else {
            #expect(throws: JSONParseError(.tooLarge(limit: 15), at: 15)) { try result.get() }
        }
    }

    @Test("nesting to the depth limit is accepted", arguments: [1, 32, 64])
    func depthLimit(depth: Int) throws {
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = JSONValue.array([])
        for _ in 1..<depth { value = .array([value]) }
        #expect(try JSONParser(maximumDepth: 64).parse(text) == value)
    }

    @Test("control characters and quotes are escaped when written", arguments: ["\u{0}\u{1f}", "\"\\", "tab\there", "é€😀"])
    func escapesStrings(_ text: String) throws {
        let written = JSONValue.string(text).jsonText
        #expect(!written.utf8.dropFirst().dropLast().contains(where: { $0 < 0x20 }))
        #expect(try JSONParser().parse(written) == .string(text))
    }
}
