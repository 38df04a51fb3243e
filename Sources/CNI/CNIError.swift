import JSON

/// A CNI error result (CNI specification 1.0.0, "Error"): what the plugin
/// prints on stdout when it exits non-zero. `msg` names the field and the
/// value that were refused.
public struct CNIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The specification's well-known codes (0-99), then swiftplane's own (100+).
    public enum Code: UInt32, Sendable, Hashable {
        case incompatibleVersion = 1
        case unsupportedField = 2
        case unknownContainer = 3
        case invalidEnvironment = 4
        case ioFailure = 5
        case decodingFailure = 6
        case invalidNetworkConfiguration = 7
        case tryAgainLater = 11
        /// The bridge named by `bridge` does not exist in OVSDB.
        case unknownBridge = 100
        /// The agent's configuration serves no such VNI (or bridge).
        case vniNotServed = 101
        /// Another port of the bridge already carries this MAC in this VNI.
        case duplicateMAC = 102
        /// The container's interface is already attached (a repeated ADD).
        case alreadyAttached = 103
        /// CHECK found the attachment not as ADD left it.
        case attachmentChanged = 104
        /// The IPAM plugin failed or answered something unusable.
        case ipamFailure = 105
    }

    public var code: Code
    public var msg: String
    public var details: String?

    public init(_ code: Code, _ msg: String, details: String? = nil) {
        self.code = code
        self.msg = msg
        self.details = details
    }

    /// A field whose value was refused, named as the configuration spells it.
    public static func field(_ code: Code, _ field: String, _ value: String, _ reason: String) -> CNIError {
        CNIError(code, "\(field)=\(value): \(reason)")
    }

    /// A refused field of the network configuration (code 7).
    public static func field(_ field: String, _ value: String, _ reason: String) -> CNIError {
        .field(.invalidNetworkConfiguration, field, value, reason)
    }

    public var description: String { "CNI error \(code.rawValue): \(msg)\(details.map { " (\($0))" } ?? "")" }

    /// The JSON the specification asks for on stdout.
    public func json(cniVersion: String) -> JSONValue {
        var object: [String: JSONValue] = ["cniVersion": .string(cniVersion), "code": .integer(Int64(code.rawValue)), "msg": .string(msg)]
        if let details { object["details"] = .string(details) }
        return .object(object)
    }
}
