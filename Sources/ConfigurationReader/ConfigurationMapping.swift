/// The keys of one YAML mapping, read one by one; reading a key marks it
/// known. `finish` refuses a key never read: a typo must not silently fall
/// back to a default. A misspelt secret's value is not shown either.
public struct ConfigurationMapping {
    private var entries: [(key: String, node: ConfigurationNode)] = []
    /// The keys asked for (a handful: a list, not a set, for the 10,000
    /// mappings of a long endpoint list).
    private var known: [String] = []
    private var secrets: Set<String> = []
    public let at: ConfigurationNode

    public init(_ at: ConfigurationNode) throws(ConfigurationError) {
        self.at = at
        guard case let .mapping(mapping) = at.node else { throw at.invalid("expected a mapping, found \(at.kind)") }
        for (key, value) in mapping {
            guard case let .scalar(name) = key else { throw at.error("a key must be a plain name") }
            if entries.contains(where: { $0.key == name.string }) {
                throw at.error("key '\(FileText.quoted(name.string))' appears twice")
            }
            entries.append((name.string, ConfigurationNode(node: value, location: .key(at.location, name.string), file: at.file)))
        }
    }

    /// The key's node, or nil when it is absent or null; a secret's errors never show it.
    public mutating func optional(_ key: String, secret: Bool = false) -> ConfigurationNode? {
        if !known.contains(key) { known.append(key) }
        if secret { secrets.insert(key) }
        guard var node = entries.first(where: { $0.key == key })?.node, node.node.null == nil else { return nil }
        node.isSecret = secret
        return node
    }

    public mutating func required(_ key: String, secret: Bool = false) throws(ConfigurationError) -> ConfigurationNode {
        guard let node = optional(key, secret: secret) else {
            throw ConfigurationError(file: at.file, path: at.child(key), reason: "missing required field")
        }
        return node
    }

    /// Refuses the first key not read, with the known key it likely meant.
    public func finish() throws(ConfigurationError) {
        guard let unknown = entries.first(where: { !known.contains($0.key) }) else { return }
        let meant = KeySuggestion.closest(to: unknown.key, among: Set(known))
        var node = unknown.node
        node.isSecret = meant.map(secrets.contains) ?? false || KeySuggestion.looksSecret(unknown.key)
        let hint = meant.map { "did you mean '\($0)'? " } ?? ""
        throw ConfigurationError(file: at.file, path: node.path, value: node.isSecret ? "(hidden)" : node.rendered,
                                 reason: "unknown field; \(hint)known: \(known.sorted().joined(separator: ", "))")
    }
}
