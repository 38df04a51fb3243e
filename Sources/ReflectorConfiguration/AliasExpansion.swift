import Yams

/// How big a composed YAML document becomes once its aliases are expanded.
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

    /// Why `root` is too big to expand, or nil when it is not.
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
                for (key, value) in mapping { pending.append((key, depth + 1)); pending.append((value, depth + 1)) }
            case let .sequence(sequence):
                for item in sequence { pending.append((item, depth + 1)) }
            }
        }
        return nil
    }
}
