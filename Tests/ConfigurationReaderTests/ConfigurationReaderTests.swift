import ConfigurationReader
import Testing

/// The reader both daemons' loaders use, on its own: unknown keys with the
/// nearest known one, secrets never echoed, values cut, one error shape.
struct ConfigurationReaderTests {
    /// Reads `known` from the document's top mapping (`secret` ones as
    /// secrets), then finishes: the error it gives, or nil.
    static func finish(_ yaml: String, known: [String], secret: Set<String> = []) throws -> ConfigurationError? {
        let root = try #require(try ConfigurationDocument.parse(yaml, file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        for key in known { _ = map.optional(key, secret: secret.contains(key)) }
        do { try map.finish(); return nil } catch { return error }
    }

    struct Unknown: Sendable, CustomStringConvertible {
        var yaml: String
        var message: String
        var description: String { yaml }
    }

    static let unknown = [
        // One edit per three characters at most: a swap, a missing letter, a missing hyphen.
        Unknown(yaml: "vtpe: 1", message: "f.yaml: vtpe: invalid value '1': unknown field; did you mean 'vtep'? known: as, password, router-id, vtep"),
        Unknown(yaml: "routerid: 1", message: "f.yaml: routerid: invalid value '1': unknown field; did you mean 'router-id'? known: as, password, router-id, vtep"),
        // Too short to guess from: no suggestion.
        Unknown(yaml: "a0: 1", message: "f.yaml: a0: invalid value '1': unknown field; known: as, password, router-id, vtep"),
        Unknown(yaml: "bridges: 1", message: "f.yaml: bridges: invalid value '1': unknown field; known: as, password, router-id, vtep"),
        // A misspelt secret is still a secret, by its nearest key or by its look.
        Unknown(yaml: "pasword: s3cret", message: "f.yaml: pasword: invalid value '(hidden)': unknown field; did you mean 'password'?"),
        Unknown(yaml: "secret-key: s3cret", message: "f.yaml: secret-key: invalid value '(hidden)': unknown field; known:"),
    ]

    @Test(arguments: unknown)
    func unknownKeyIsNamedWithTheNearestKnownOne(_ row: Unknown) throws {
        let error = try #require(try Self.finish(row.yaml, known: ["as", "password", "router-id", "vtep"], secret: ["password"]))
        #expect(error.description.hasPrefix(row.message), "\(error)")
        #expect(!error.description.contains("s3cret"))
    }

    @Test func secretsAreNeverEchoed() throws {
        let root = try #require(try ConfigurationDocument.parse("a: 1234\nb: ''\nc: [x]\nd: \"\(String(repeating: "k", count: 81))\"\n", file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        let tooLong: (String) -> String? = { $0.utf8.count > 80 ? "at most 80 octets" : nil }
        for (key, message) in [("a", "f.yaml: a: invalid value '(hidden)': expected a non-empty string (quote numbers)"),
                               ("b", "f.yaml: b: invalid value '(hidden)': expected a non-empty string"),
                               ("c", "f.yaml: c: invalid value '(hidden)': expected a string, found a list"),
                               ("d", "f.yaml: d: invalid value '(hidden, 81 octets)': at most 80 octets")] {
            let found = map.optional(key, secret: true)
            let node = try #require(found)
            #expect(throws: ConfigurationError.self) { try node.secret(tooLong) }
            do { _ = try node.secret(tooLong) } catch { #expect(error.description == message) }
        }
    }

    @Test(arguments: [("true", true), ("True", true), ("FALSE", false), ("false", false)])
    func booleansAreYAML12s(_ text: String, _ value: Bool) throws {
        let root = try #require(try ConfigurationDocument.parse("b: \(text)", file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        #expect(try map.required("b").boolean() == value)
    }

    @Test(arguments: ["yes", "on", "y", "1", "tru"])
    func otherBooleanSpellingsAreRefused(_ text: String) throws {
        let root = try #require(try ConfigurationDocument.parse("b: \(text)", file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        let node = try map.required("b")
        #expect(throws: ConfigurationError(file: "f.yaml", path: "b", value: text, reason: "expected true or false")) { try node.boolean() }
    }

    /// A value shown in an error is cut, however far its aliases expand.
    @Test func renderedValueIsCutWithoutExpanding() throws {
        let bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + (1...8).map { "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined()
        let error = try #require(try Self.finish(bomb, known: []))
        #expect(error.path == "a0" && error.value == "[x, x, x, x, x, x, x, x, x, x]")
        let root = try #require(try ConfigurationDocument.parse(bomb, file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        let a8 = map.optional("a8")
        let rendered = try #require(a8).rendered
        #expect(rendered.count < 120 && rendered.hasSuffix("..."), "\(rendered.count)")
    }

    /// A key given twice is refused whatever its quoting: every plain
    /// scalar is text here, so `"10"` and `10` are the same key.
    @Test(arguments: ["vni: 1\nvni: 2\n", "\"10\": a\n10: b\n", "a:\n  x: 1\n  'x': 2\n", "true: 1\n\"true\": 2\n"])
    func keyGivenTwiceIsRefused(_ yaml: String) {
        #expect(throws: ConfigurationError.self) { _ = try ConfigurationDocument.parse(yaml, file: "f.yaml") }
        do { _ = try ConfigurationDocument.parse(yaml, file: "f.yaml") } catch {
            #expect(error.description.hasPrefix("f.yaml: not valid YAML:") && error.description.contains("duplicated"), "\(error)")
        }
    }

    /// Plain scalars that YAML 1.1 would type stay text: the field's reader decides.
    @Test(arguments: ["010", "1e3", "~", "2001-12-14", "0o17", ".inf", "<<"])
    func plainScalarsStayText(_ text: String) throws {
        let root = try #require(try ConfigurationDocument.parse("k: \(text)\n", file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        let node = map.optional("k")
        if text == "~" { #expect(node == nil) } else { #expect(try node?.scalar() == text) }
    }

    @Test func integerRangeAndWhat() throws {
        let root = try #require(try ConfigurationDocument.parse("p: 70000\nq: 0x10\n", file: "f.yaml"))
        var map = try ConfigurationMapping(root)
        let p = try map.required("p"), q = try map.required("q")
        #expect(throws: ConfigurationError(file: "f.yaml", path: "p", value: "70000", reason: "expected the port, an integer 1-65535")) {
            _ = try p.integer(1...65535, "the port") as Int
        }
        // Decimal only: YAML 1.1's hex and octal spellings are not numbers here.
        #expect(throws: ConfigurationError(file: "f.yaml", path: "q", value: "0x10", reason: "expected an integer 0-100")) {
            _ = try q.integer(0...100) as Int
        }
    }
}
