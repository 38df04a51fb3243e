/// The known key an unknown one was probably meant to be.
enum KeySuggestion {
    /// The known key nearest `key` within two edits (insert, delete,
    /// replace, swap), and one per three characters; nil when none is that close.
    static func closest(to key: String, among known: Set<String>) -> String? {
        let candidates = known.sorted().map { ($0, distance(Array(key.lowercased()), Array($0))) }
        // At most one edit in three characters: "a0" is not a misspelt "as".
        guard let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= 2, best.1 * 3 <= key.count else { return nil }
        return best.0
    }

    /// A name that suggests a secret (pasword, passwd, pw, secret, key): its value is not shown.
    static func looksSecret(_ key: String) -> Bool {
        ["pas", "pw", "secret", "key"].contains { key.lowercased().contains($0) }
    }

    /// Optimal string alignment distance: edits, a swap of neighbours counting one.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
