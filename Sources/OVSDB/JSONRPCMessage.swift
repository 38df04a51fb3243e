/// A JSON-RPC 1.0 message as RFC 7047 section 4 uses it: a request has a
/// non-null `id`, a notification has `id: null`, a response carries
/// `result` and `error` (one of them null) and the request's `id`.
public enum JSONRPCMessage: Sendable, Hashable {
    case request(method: String, params: [JSONValue], id: JSONValue)
    case notification(method: String, params: [JSONValue])
    case response(result: JSONValue, error: JSONValue, id: JSONValue)

    /// Why a JSON value is not a JSON-RPC message.
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { "JSON-RPC: \(reason)" }
    }

    public init(json: JSONValue) throws(Error) {
        guard let object = json.objectValue else { throw Error(reason: "message is not an object") }
        if let method = object["method"] {
            guard let name = method.stringValue else { throw Error(reason: "method is not a string") }
            guard let params = object["params"]?.arrayValue else { throw Error(reason: "\(name): params is not an array") }
            guard let id = object["id"] else { throw Error(reason: "\(name): no id") }
            self = id.isNull ? .notification(method: name, params: params) : .request(method: name, params: params, id: id)
        } else if let id = object["id"] {
            guard let result = object["result"], let error = object["error"] else {
                throw Error(reason: "response without result or error")
            }
            self = .response(result: result, error: error, id: id)
        } else {
            throw Error(reason: "neither a request nor a response (no method, no id)")
        }
    }

    public var json: JSONValue {
        switch self {
        case .request(let method, let params, let id):
            return .object(["method": .string(method), "params": .array(params), "id": id])
        case .notification(let method, let params):
            return .object(["method": .string(method), "params": .array(params), "id": .null])
        case .response(let result, let error, let id):
            return .object(["result": result, "error": error, "id": id])
        }
    }

    /// The answer to a request that must be answered without thought:
    /// `echo` (RFC 7047 section 4.1.11) returns its params. Nil otherwise.
    public var automaticReply: JSONRPCMessage? {
        if case .request("echo", let params, let id) = self {
            return .response(result: .array(params), error: .null, id: id)
        }
        return nil
    }
}
