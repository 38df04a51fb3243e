import Yams

/// A configuration file's text composed into YAML nodes, read where it is
/// walked: aliases stay shared, so a document of nested aliases ("billion
/// laughs") costs what its fields cost to read, never its expansion.
public enum ConfigurationDocument {
    /// The file's root node, or nil when the file holds no document.
    public static func load(path: String) throws(ConfigurationError) -> ConfigurationNode? {
        switch FileText.read(path) {
        case let .success(text): return try parse(text, file: path)
        case let .failure(error): throw ConfigurationError(file: path, path: "", reason: "cannot read the file: \(error.reason)")
        }
    }

    /// `text` as YAML; `file` names it in errors. With the basic resolver
    /// every plain scalar stays untyped text: each field's reader says what
    /// its text must be (an integer, a boolean in YAML 1.2's spellings), so
    /// YAML 1.1's implicit types are never applied, and Yams does not match
    /// each key against its type patterns while it checks for duplicate
    /// keys, which was a third of a 10,000-endpoint reload's time.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> ConfigurationNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw ConfigurationError(file: file, path: "", reason: "not valid YAML: \(yamlProblem(error))")
        }
        return root.map { ConfigurationNode(node: $0, path: "", file: file) }
    }

    /// Yams' error without the source lines it quotes raw: the problem, line and column.
    static func yamlProblem(_ error: any Error) -> String {
        switch error as? YamlError {
        case let .scanner(_, problem, mark, _)?, let .parser(_, problem, mark, _)?:
            "\(problem) at line \(mark.line) column \(mark.column)"
        case let .reader(problem, offset, _, _)?:
            "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        default:
            FileText.quoted("\(error)", limit: 200)
        }
    }
}
