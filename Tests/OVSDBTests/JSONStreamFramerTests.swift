import NIOCore
import OVSDB
import Testing

@Suite("JSON-RPC stream framer")
struct JSONStreamFramerTests {
    /// Texts whose brackets inside strings, escapes and nesting must not
    /// confuse the framer; sent back to back, some with whitespace between.
    static let texts = [
        #"{"id":null,"method":"update","params":["x",{"T":{}}]}"#,
        #"["brackets in strings: }]{[", "escaped quote \" }", "backslash \\"]"#,
        #"{"a":{"b":[{"c":"\\\"}"}]}}"#,
        "{}",
    ] + Vectors.all

    static var stream: [UInt8] {
        Array(texts.enumerated().map { $0.offset % 2 == 0 ? $0.element : "\n  " + $0.element }.joined().utf8)
    }

    @Test("every chunk size gives the same texts", arguments: [1, 2, 3, 7, 64, 1000, 100_000])
    func chunking(size: Int) throws {
        var framer = JSONStreamFramer()
        var out: [String] = []
        let bytes = Self.stream
        var start = 0
        while start < bytes.count {
            framer.append(Array(bytes[start..<min(start + size, bytes.count)]))
            start += size
            while let text = try framer.next() { out.append(String(buffer: text)) }
        }
        #expect(out == Self.texts)
        #expect(framer.bufferedBytes == 0)
    }

    @Test("each framed text parses")
    func textsParse() throws {
        var framer = JSONStreamFramer()
        framer.append(Self.stream)
        var count = 0
        while let text = try framer.next() {
            _ = try JSONParser().parse(text)
            count += 1
        }
        #expect(count == Self.texts.count)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var stream: String
        var limit: Int
        var error: JSONStreamFramer.Error
        var complete: Int
        var testDescription: String { stream }
    }

    static let bad: [Bad] = [
        Bad(stream: "x", limit: 100, error: .unexpectedByte(UInt8(ascii: "x"), offset: 0), complete: 0),
        Bad(stream: "{} 1", limit: 100, error: .unexpectedByte(UInt8(ascii: "1"), offset: 3), complete: 1),
        Bad(stream: "[]\"s\"", limit: 100, error: .unexpectedByte(UInt8(ascii: "\""), offset: 2), complete: 1),
        Bad(stream: "{\"a\":\"123456789\"}", limit: 10, error: .textTooLarge(limit: 10, offset: 0), complete: 0),
        Bad(stream: "{}  {\"a\":\"12345678", limit: 10, error: .textTooLarge(limit: 10, offset: 4), complete: 1),
    ]

    @Test("bad streams give the fault and its stream offset, after the good texts", arguments: bad)
    func badStreams(_ vector: Bad) {
        var framer = JSONStreamFramer(maximumTextBytes: vector.limit)
        framer.append(Array(vector.stream.utf8))
        var complete = 0
        #expect(throws: vector.error) {
            while try framer.next() != nil { complete += 1 }
        }
        #expect(complete == vector.complete)
        // The stream is out of step: the error sticks.
        #expect(throws: vector.error) { try framer.next() }
    }

    @Test("an unfinished text waits for more bytes and buffers only it", arguments: [#"{"a":"#, "[[[", #"{"s":"}\"#])
    func partial(_ prefix: String) throws {
        var framer = JSONStreamFramer()
        framer.append(Array(prefix.utf8))
        #expect(try framer.next() == nil)
        #expect(framer.bufferedBytes == prefix.utf8.count)
    }
}
