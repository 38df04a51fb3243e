import Yams

/// A YAML node with the path that led to it, so every complaint about a
/// value can say where the value is. Reading a key marks it used: keys never
/// read are reported as unknown (a typo must not silently fall back to a
/// default).
struct ConfigurationNode {
    let node: Node
    let path: String
    let file: String

    func error(_ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, path: path, reason: reason)
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The text of a scalar, or an error naming what was expected.
    func scalar(_ what: String) throws(ConfigurationError) -> String {
        guard case let .scalar(scalar) = node else { throw error("expected \(what), found \(kind)") }
        return scalar.string
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, in range: ClosedRange<T>, _ what: String) throws(ConfigurationError) -> T {
        let text = try scalar(what)
        guard let value = T(text), range.contains(value) else {
            throw error("\(what) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    func sequence() throws(ConfigurationError) -> [ConfigurationNode] {
        guard case let .sequence(items) = node else { throw error("expected a list, found \(kind)") }
        return items.enumerated().map { ConfigurationNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    var kind: String {
        switch node {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

/// The keys of one YAML mapping, read one by one; `finish` refuses those left over.
struct ConfigurationMapping {
    private var entries: [(key: String, node: ConfigurationNode)] = []
    private var used: Set<String> = []
    let at: ConfigurationNode

    init(_ at: ConfigurationNode) throws(ConfigurationError) {
        self.at = at
        guard case let .mapping(mapping) = at.node else { throw at.error("expected a mapping, found \(at.kind)") }
        for (key, value) in mapping {
            guard case let .scalar(name) = key else { throw at.error("a key must be a plain name") }
            if entries.contains(where: { $0.key == name.string }) {
                throw at.error("key '\(name.string)' appears twice")
            }
            entries.append((name.string, ConfigurationNode(node: value, path: at.child(name.string), file: at.file)))
        }
    }

    mutating func optional(_ key: String) -> ConfigurationNode? {
        used.insert(key)
        guard let node = entries.first(where: { $0.key == key })?.node else { return nil }
        if node.node.null != nil {
            return nil
        }
        return node
    }

    mutating func required(_ key: String) throws(ConfigurationError) -> ConfigurationNode {
        guard let node = optional(key) else {
            throw ConfigurationError(file: at.file, path: at.child(key), reason: "missing required field")
        }
        return node
    }

    func finish() throws(ConfigurationError) {
        if let unknown = entries.first(where: { !used.contains($0.key) }) {
            throw unknown.node.error("unknown field (known here: \(used.sorted().joined(separator: ", ")))")
        }
    }
}
