/// Why a configuration was refused: the file, where in it (the path of the
/// field, as `vnis[1].route-target`) and why, with the offending value.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var path: String
    public var reason: String

    public var description: String { path.isEmpty ? "\(file): \(reason)" : "\(file): \(path): \(reason)" }
}
