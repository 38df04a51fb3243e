import Foundation

/// What goes back: a status, a content type and the body bytes.
public struct AdminResponse: Hashable, Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int = 200, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// Sorted keys, so answers compare and diff well; a newline for terminals.
    public static func json(_ value: some Encodable, status: Int = 200) throws -> AdminResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return AdminResponse(status: status, contentType: "application/json", body: Array(try encoder.encode(value)) + [0x0a])
    }

    public static func error(_ error: AdminError) -> AdminResponse {
        // Encoding a one-string struct cannot fail; the fallback keeps this total anyway.
        (try? json(AdminErrorBody(error: error.message), status: error.status))
            ?? AdminResponse(status: error.status, contentType: "application/json", body: Array(#"{"error":"unencodable"}"#.utf8))
    }

    public static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> AdminResponse {
        AdminResponse(contentType: contentType, body: Array(text.utf8))
    }
}
