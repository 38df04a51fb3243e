import Yams

/// A YAML node with the path that led to it, so every complaint about a
/// value says where the value is and what it is (a secret's never).
public struct ConfigurationNode {
    public let node: Node
    /// Where the node stands, kept as its steps: the text is built only
    /// when an error names it (a file of 10,000 endpoints has 50,000
    /// nodes, and almost never an error).
    let location: Location
    public let file: String
    /// A secret (a password): errors never repeat it.
    public var isSecret = false

    /// The steps from the document's root to a node.
    indirect enum Location {
        case named(String)
        case key(Location, String)
        case index(Location, Int)

        var text: String {
            switch self {
            case let .named(text): text
            case let .key(parent, key):
                switch parent.text { case "": key; case let above: "\(above).\(key)" }
            case let .index(parent, index): "\(parent.text)[\(index)]"
            }
        }
    }

    public init(node: Node, path: String, file: String, isSecret: Bool = false) {
        self.init(node: node, location: .named(path), file: file, isSecret: isSecret)
    }

    init(node: Node, location: Location, file: String, isSecret: Bool = false) {
        self.node = node
        self.location = location
        self.file = file
        self.isSecret = isSecret
    }

    /// `vnis[1].route-target`; empty at the document's root.
    public var path: String { location.text }

    /// This value is wrong: the error names the field and the value.
    public func invalid(_ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, path: path, value: isSecret ? "(hidden)" : rendered, reason: reason)
    }

    /// Something about this field is wrong beyond its own value (a clash with another).
    public func error(_ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, path: path, reason: reason)
    }

    public func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public var kind: String {
        switch node {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The text of a scalar.
    public func scalar() throws(ConfigurationError) -> String {
        guard case let .scalar(scalar) = node else { throw invalid("expected a scalar, found \(kind)") }
        return scalar.string
    }

    /// A scalar turned into a value by `parse`; `expected` says what a good one looks like.
    public func parsed<T>(_ expected: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T {
        let text = try scalar()
        guard let value = parse(text) else { throw invalid("expected \(expected)") }
        return value
    }

    /// A decimal integer in `range`; `what` says what it counts.
    public func integer<T: FixedWidthInteger>(_ range: ClosedRange<T>, _ what: String? = nil) throws(ConfigurationError) -> T {
        let expected = "an integer \(range.lowerBound)-\(range.upperBound)"
        return try parsed(what.map { "\($0), \(expected)" } ?? expected) { T($0).flatMap { range.contains($0) ? $0 : nil } }
    }

    /// `true` or `false` (YAML 1.2's spellings; not 1.1's yes, on, y).
    public func boolean() throws(ConfigurationError) -> Bool {
        try parsed("true or false") { ["true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false][$0] }
    }

    /// One of an enumeration's raw values.
    public func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(ConfigurationError) -> T where T.RawValue == String {
        try parsed("one of \(T.allCases.map(\.rawValue).joined(separator: ", "))") { T(rawValue: $0) }
    }

    /// A secret: a non-empty string, quoted when YAML would read it as
    /// something else (a number, a boolean). Errors never repeat it.
    public func secret() throws(ConfigurationError) -> String {
        var hidden = self
        hidden.isSecret = true
        guard case let .scalar(scalar) = node else { throw hidden.invalid("expected a string, found \(kind)") }
        if scalar.string.isEmpty { throw hidden.invalid("expected a non-empty string") }
        if scalar.style == .plain, node.int != nil || node.float != nil || node.bool != nil || node.null != nil {
            throw hidden.invalid("expected a non-empty string (quote numbers)")
        }
        return scalar.string
    }

    /// A secret that `problem` accepts (it says why not, or nil); the error
    /// says how long the secret was, never what.
    public func secret(_ problem: (String) -> String?) throws(ConfigurationError) -> String {
        let secret = try secret()
        if let reason = problem(secret) {
            throw ConfigurationError(file: file, path: path, value: "(hidden, \(secret.utf8.count) octets)", reason: reason)
        }
        return secret
    }

    public func sequence() throws(ConfigurationError) -> [ConfigurationNode] {
        guard case let .sequence(items) = node else { throw invalid("expected a list, found \(kind)") }
        return items.enumerated().map { ConfigurationNode(node: $1, location: .index(location, $0), file: file) }
    }

    public var isMapping: Bool { if case .mapping = node { true } else { false } }

    /// The node as flow YAML, cut with "..." after about a hundred
    /// characters: a value shown in an error, aliases never expanded past that.
    public var rendered: String {
        var out = ""
        _ = Self.render(node, into: &out, limit: 100)
        return out
    }

    /// Appends `node`; false once the limit is reached (and "..." written), so every caller stops.
    private static func render(_ node: Node, into out: inout String, limit: Int) -> Bool {
        guard out.count < limit else { out += "..."; return false }
        switch node {
        case let .scalar(scalar):
            out += scalar.string
        case let .sequence(items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                guard render(item, into: &out, limit: limit) else { return false }
            }
            out += "]"
        case let .mapping(mapping):
            out += "{"
            for (index, (key, value)) in mapping.enumerated() {
                if index > 0 { out += ", " }
                guard render(key, into: &out, limit: limit) else { return false }
                out += ": "
                guard render(value, into: &out, limit: limit) else { return false }
            }
            out += "}"
        case .alias:
            out += "*alias"
        }
        return true
    }
}
