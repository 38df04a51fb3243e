/// An OVSDB message that is valid JSON-RPC but not what RFC 7047 (or the
/// monitored schema) says it holds: `path` names where (table, row, column),
/// `reason` what.
public struct OVSDBError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "OVSDB: \(path): \(reason)" }
}
