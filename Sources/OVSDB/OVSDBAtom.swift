/// A scalar OVSDB value (RFC 7047 section 5.1 `<atom>`).
public enum OVSDBAtom: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case string(String)
    case uuid(OVSDBUUID)
    case namedUUID(String)

    /// Decodes `<atom>`; `path` is for the error message.
    public init(json: JSONValue, path: @autoclosure () -> String) throws(OVSDBError) {
        switch json {
        case .integer(let i): self = .integer(i)
        case .real(let d): self = .real(d)
        case .bool(let b): self = .boolean(b)
        case .string(let s): self = .string(s)
        case .array(let pair) where pair.count == 2:
            switch (pair[0], pair[1]) {
            case (.string("uuid"), .string(let text)):
                guard let uuid = OVSDBUUID(text) else { throw OVSDBError(path(), "malformed uuid \"\(text)\"") }
                self = .uuid(uuid)
            case (.string("named-uuid"), .string(let name)):
                self = .namedUUID(name)
            default:
                throw OVSDBError(path(), "not an atom: \(json.jsonText.prefix(80))")
            }
        default:
            throw OVSDBError(path(), "not an atom: \(json.jsonText.prefix(80))")
        }
    }

    public var json: JSONValue {
        switch self {
        case .integer(let i): return .integer(i)
        case .real(let d): return .real(d)
        case .boolean(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .uuid(let u): return ["uuid", .string(u.rawValue)]
        case .namedUUID(let n): return ["named-uuid", .string(n)]
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    public var uuidValue: OVSDBUUID? {
        if case .uuid(let u) = self { return u }
        return nil
    }
}
