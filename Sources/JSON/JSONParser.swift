/// A total JSON parser (RFC 8259): any byte string gives a value or a
/// `JSONParseError` naming the fault and its offset. Recursion is bounded by
/// `maximumDepth` and input by `maximumBytes`, so hostile input can neither
/// overflow the stack nor make us allocate beyond what it already occupies.
/// Foundation-free, so it fuzzes and runs the same everywhere.
public struct JSONParser: Sendable {
    public var maximumDepth: Int
    public var maximumBytes: Int

    public init(maximumDepth: Int = 64, maximumBytes: Int = 16 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumBytes = maximumBytes
    }

    /// Parses exactly one JSON text (surrounding whitespace allowed).
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { bytes in outcome(bytes) }
        return try result.get()
    }

    /// The same over bytes held elsewhere (a network buffer's readable bytes).
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        try outcome(bytes).get()
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func outcome(_ bytes: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        guard bytes.count <= maximumBytes else {
            return .failure(JSONParseError(.tooLarge(limit: maximumBytes), at: maximumBytes))
        }
        var scanner = Scanner(bytes: bytes, maximumDepth: maximumDepth)
        do throws(JSONParseError) {
            scanner.skipWhitespace()
            let value = try scanner.value(depth: 0)
            scanner.skipWhitespace()
            guard scanner.index == bytes.count else { throw JSONParseError(.trailingBytes, at: scanner.index) }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

/// The recursive-descent walk over one text. `index` only moves forward and
/// every read checks it against `bytes.count` first.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    let maximumDepth: Int
    var index = 0

    /// The same bytes, typed, for building strings without a copy.
    let utf8: UnsafeBufferPointer<UInt8>

    init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        self.bytes = bytes
        self.utf8 = bytes.assumingMemoryBound(to: UInt8.self)
        self.maximumDepth = maximumDepth
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    func fail(_ kind: JSONParseError.Kind) -> JSONParseError { JSONParseError(kind, at: index) }

    func unexpected() -> JSONParseError {
        guard let b = current else { return fail(.unexpectedEnd) }
        return fail(.unexpectedByte(b))
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let b = current else { throw fail(.unexpectedEnd) }
        switch b {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail(.unexpectedByte(b))
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        for i in 0..<count {
            guard current == word.utf8Start[i] else { throw unexpected() }
            index += 1
        }
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maximumDepth else { throw fail(.tooDeep(limit: maximumDepth)) }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw unexpected() }
            let keyOffset = index
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw unexpected() }
            index += 1
            skipWhitespace()
            let member = try value(depth: depth)
            guard members.updateValue(member, forKey: key) == nil else {
                throw JSONParseError(.duplicateKey(key), at: keyOffset)
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw unexpected()
            }
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maximumDepth else { throw fail(.tooDeep(limit: maximumDepth)) }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw unexpected()
            }
        }
    }

    /// A string, starting at its opening quote. Unescaped runs are copied as
    /// they are; the whole is then checked to be UTF-8.
    mutating func string() throws(JSONParseError) -> String {
        let start = index
        index += 1  // "
        var out: [UInt8] = []
        var escaped = false
        var runStart = index
        while true {
            guard let b = current else { throw fail(.unexpectedEnd) }
            switch b {
            case UInt8(ascii: "\""):
                let s: String?
                if escaped {
                    out.append(contentsOf: bytes[runStart..<index])
                    s = String(validating: out, as: UTF8.self)
                } else {
                    // The common case: no escape, the string is its bytes.
                    s = String(validating: UnsafeBufferPointer(rebasing: utf8[runStart..<index]), as: UTF8.self)
                }
                index += 1
                guard let s else { throw JSONParseError(.invalidUTF8, at: start) }
                return s
            case UInt8(ascii: "\\"):
                escaped = true
                out.append(contentsOf: bytes[runStart..<index])
                try escape(into: &out)
                runStart = index
            case 0..<0x20:
                throw fail(.controlCharacterInString)
            default:
                index += 1
            }
        }
    }

    /// One escape, starting at its backslash; appends its UTF-8.
    mutating func escape(into out: inout [UInt8]) throws(JSONParseError) {
        let start = index
        index += 1
        guard let b = current else { throw fail(.unexpectedEnd) }
        index += 1
        switch b {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5c)
        case UInt8(ascii: "/"): out.append(0x2f)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hex4(escapeAt: start))
            if (0xd800..<0xdc00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw JSONParseError(.invalidUnicodeEscape, at: start) }
                let lowStart = index
                index += 2
                let low = UInt32(try hex4(escapeAt: lowStart))
                guard (0xdc00..<0xe000).contains(low) else { throw JSONParseError(.invalidUnicodeEscape, at: lowStart) }
                scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
            } else if (0xdc00..<0xe000).contains(scalar) {
                throw JSONParseError(.invalidUnicodeEscape, at: start)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw JSONParseError(.invalidUnicodeEscape, at: start) }
            out.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
        default:
            throw JSONParseError(.invalidEscape, at: start)
        }
    }

    mutating func hex4(escapeAt start: Int) throws(JSONParseError) -> UInt16 {
        var v: UInt16 = 0
        for _ in 0..<4 {
            guard let b = current else { throw fail(.unexpectedEnd) }
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw JSONParseError(.invalidUnicodeEscape, at: start)
            }
            v = v << 4 | UInt16(digit)
            index += 1
        }
        return v
    }

    mutating func digits() -> Int {
        let start = index
        while let b = current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`. Integers that fit
    /// Int64 stay integers; the rest become Doubles.
    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw unexpected() }
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard digits() > 0 else { throw unexpected() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw unexpected() }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let v = Int64(text) { return .integer(v) }
        guard let d = Double(text), d.isFinite else { throw JSONParseError(.numberOutOfRange, at: start) }
        return .real(d)
    }
}
