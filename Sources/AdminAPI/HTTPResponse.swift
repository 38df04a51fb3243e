/// An HTTP/1.1 response as read whole from a closed connection. Parsing is
/// total: any shape it does not accept is an `HTTPResponseError` naming
/// what was wrong and at which byte offset.
public struct HTTPResponse: Hashable, Sendable {
    public var status: Int
    /// Header names lower-cased; a repeated header keeps the last value.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(parsing bytes: [UInt8]) throws(HTTPResponseError) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = Self.find(separator, in: bytes) else {
            throw HTTPResponseError(reason: "no end of headers (CRLF CRLF)", offset: bytes.count)
        }
        var lines: [(text: String, offset: Int)] = []
        var start = 0
        while start < end {
            let stop = Self.find([13, 10], in: bytes, from: start) ?? end
            lines.append((String(decoding: bytes[start..<min(stop, end)], as: UTF8.self), start))
            start = stop + 2
        }
        guard let statusLine = lines.first else { throw HTTPResponseError(reason: "empty status line", offset: 0) }
        let words = statusLine.text.split(separator: " ", maxSplits: 2)
        guard words.count >= 2, words[0].hasPrefix("HTTP/1."), words[1].count == 3, let status = Int(words[1]), (100...599).contains(status) else {
            throw HTTPResponseError(reason: "bad status line '\(statusLine.text.prefix(60))'", offset: 0)
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.text.firstIndex(of: ":") else {
                throw HTTPResponseError(reason: "header line without a colon '\(line.text.prefix(60))'", offset: line.offset)
            }
            headers[line.text[..<colon].lowercased()] = line.text[line.text.index(after: colon)...].trimmingSpaces
        }
        var body = Array(bytes[(end + 4)...])
        if let length = headers["content-length"] {
            guard let n = Int(length), n >= 0 else { throw HTTPResponseError(reason: "bad Content-Length '\(length)'", offset: end) }
            guard n <= body.count else {
                throw HTTPResponseError(reason: "body shorter than Content-Length \(n) (\(body.count) bytes)", offset: bytes.count)
            }
            body = Array(body.prefix(n))
        }
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int = 0) -> Int? {
        guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        for i in from...(bytes.count - needle.count) where bytes[i] == needle[0] && Array(bytes[i..<i + needle.count]) == needle { return i }
        return nil
    }
}

/// A response `HTTPResponse` cannot read: what and where.
public struct HTTPResponseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public var offset: Int
    public init(reason: String, offset: Int) { self.reason = reason; self.offset = offset }
    public var description: String { "\(reason) at byte \(offset)" }
}

extension Substring {
    var trimmingSpaces: String { String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
}
