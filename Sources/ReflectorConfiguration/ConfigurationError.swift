/// A configuration file error: which file, which field, which value, and why.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var file: String
    public var path: String
    public var value: String
    public var reason: String
    /// The value is quoted escaped and cut: a file's raw text never reaches the terminal.
    public var description: String { "\(file): \(path): invalid value '\(FileText.quoted(value, limit: 80))': \(reason)" }
}
