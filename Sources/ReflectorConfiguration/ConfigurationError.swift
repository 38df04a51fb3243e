/// A configuration file error: which file, which field, which value, and why.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var file: String
    public var path: String
    public var value: String
    public var reason: String
    public var description: String { "\(file): \(path): invalid value '\(value)': \(reason)" }
}
