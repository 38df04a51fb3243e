/// Why a configuration file was refused: the file, where in it (the path of
/// the field, as `vnis[1].route-target`; empty for the whole document), the
/// offending value when one is to blame (a secret's is "(hidden)"), and why.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var path: String
    /// The value as the file spells it, or a placeholder for a secret; nil when no one value is to blame.
    public var value: String?
    public var reason: String

    public init(file: String, path: String, value: String? = nil, reason: String) {
        self.file = file
        self.path = path
        self.value = value
        self.reason = reason
    }

    /// `FILE: PATH: invalid value 'VALUE': REASON`; the value is quoted escaped
    /// and cut, so a file's raw text never reaches the terminal.
    public var description: String {
        let at = path.isEmpty ? "\(file): " : "\(file): \(path): "
        guard let value else { return at + reason }
        return at + "invalid value '\(FileText.quoted(value, limit: 80))': \(reason)"
    }
}
