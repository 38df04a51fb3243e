import Yams

/// Whether a composed YAML document can become values: not too big once its
/// aliases are expanded, and every key a scalar.
/// Yams shares an anchored node among its aliases, so composing is cheap,
/// but turning the document into values copies every alias: a kilobyte of
/// nested aliases ("billion laughs") is 10^9 values, and the reflector hung
/// on it. Walked with an explicit stack and a budget, so the walk itself
/// stops at the first value too many or too deep.
enum AliasExpansion {
    /// A thousand neighbours with every field is about 5,000 values.
    static let maximumValues = 100_000
    /// The format is 3 levels deep; deeper only by nesting aliases, which
    /// would also take Yams's recursive construction off the stack.
    static let maximumDepth = 64

    /// Why `root` cannot become values, or nil when it can.
    static func problem(_ root: Node) -> String? {
        var pending: [(node: Node, depth: Int)] = [(root, 1)]
        var values = 0
        while let (node, depth) = pending.popLast() {
            values += 1
            if values > maximumValues { return "more than \(maximumValues) values once aliases are expanded" }
            if depth > maximumDepth { return "nested deeper than \(maximumDepth) levels once aliases are expanded" }
            switch node {
            case .scalar, .alias:
                break
            case let .mapping(mapping):
                for (key, value) in mapping {
                    // Yams traps turning a mapping into values when a key is a list or a mapping.
                    guard case .scalar = key else { return "a key must be a plain name" }
                    pending.append((key, depth + 1))
                    pending.append((value, depth + 1))
                }
            case let .sequence(sequence):
                for item in sequence { pending.append((item, depth + 1)) }
            }
        }
        return nil
    }
}
