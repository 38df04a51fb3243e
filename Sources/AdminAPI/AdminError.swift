/// An answer other than success: its HTTP status and a message for the
/// operator, sent as `{"error": "..."}`.
public struct AdminError: Error, Hashable, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> AdminError { AdminError(status: 400, message) }
    public static func notFound(_ message: String) -> AdminError { AdminError(status: 404, message) }
    public static func unavailable(_ message: String) -> AdminError { AdminError(status: 503, message) }

    public var description: String { "\(status): \(message)" }
}

/// The JSON body of every error answer.
public struct AdminErrorBody: Codable, Hashable, Sendable {
    public var error: String
    public init(error: String) { self.error = error }
}
