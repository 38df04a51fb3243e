/// One request as a route sees it: the method, the path and the query
/// parameters (percent-decoded; a repeated name keeps the last value).
public struct AdminRequest: Hashable, Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]

    public init(method: String = "GET", path: String, query: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// Splits a request target such as `/routes?vni=10&type=2`.
    public init(method: String, target: String) throws(AdminError) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let path = Self.percentDecoded(parts[0]) else { throw .badRequest("bad percent-encoding in the path '\(parts[0])'") }
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = Self.percentDecoded(kv[0]), let value = Self.percentDecoded(kv.count == 2 ? kv[1] : "") else {
                    throw .badRequest("bad percent-encoding in the query '\(pair)'")
                }
                query[name] = value
            }
        }
        self.init(method: method, path: path, query: query)
    }

    /// A query parameter as an integer in `range`; nil when absent.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(AdminError) -> Int? {
        guard let text = query[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("query parameter '\(name)': invalid value '\(text)': expected an integer \(range.lowerBound)-\(range.upperBound)")
        }
        return value
    }

    /// A flag such as `live=1` (also `true`, `yes`, or the bare name).
    public func flag(_ name: String) -> Bool {
        guard let text = query[name] else { return false }
        return ["", "1", "true", "yes"].contains(text.lowercased())
    }

    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = utf8.next().flatMap(Self.hexValue), let low = utf8.next().flatMap(Self.hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
