/// OFPET_*: the error types of OpenFlow 1.3 (§A.4.4), each number declared
/// here once.
public enum ErrorType: UInt16, WireNumber {
    case helloFailed = 0
    case badRequest = 1
    case badAction = 2
    case badInstruction = 3
    case badMatch = 4
    case flowModFailed = 5
    case groupModFailed = 6
    case portModFailed = 7
    case tableModFailed = 8
    case queueOpFailed = 9
    case switchConfigFailed = 10
    case roleRequestFailed = 11
    case meterModFailed = 12
    case tableFeaturesFailed = 13
    case experimenter = 0xffff

    /// The specification's name, e.g. "OFPET_BAD_REQUEST".
    public var name: String {
        switch self {
        case .helloFailed: "OFPET_HELLO_FAILED"
        case .badRequest: "OFPET_BAD_REQUEST"
        case .badAction: "OFPET_BAD_ACTION"
        case .badInstruction: "OFPET_BAD_INSTRUCTION"
        case .badMatch: "OFPET_BAD_MATCH"
        case .flowModFailed: "OFPET_FLOW_MOD_FAILED"
        case .groupModFailed: "OFPET_GROUP_MOD_FAILED"
        case .portModFailed: "OFPET_PORT_MOD_FAILED"
        case .tableModFailed: "OFPET_TABLE_MOD_FAILED"
        case .queueOpFailed: "OFPET_QUEUE_OP_FAILED"
        case .switchConfigFailed: "OFPET_SWITCH_CONFIG_FAILED"
        case .roleRequestFailed: "OFPET_ROLE_REQUEST_FAILED"
        case .meterModFailed: "OFPET_METER_MOD_FAILED"
        case .tableFeaturesFailed: "OFPET_TABLE_FEATURES_FAILED"
        case .experimenter: "OFPET_EXPERIMENTER"
        }
    }

    /// Not declared: "OFPET_UNKNOWN_N".
    public static let unknownPrefix = "OFPET_UNKNOWN_"
}

/// OFPHFC_*: why a HELLO failed.
public enum HelloFailedCode: UInt16, CaseIterable, Sendable {
    case incompatible = 0
    case permissionDenied = 1

    public var name: String {
        switch self {
        case .incompatible: "OFPHFC_INCOMPATIBLE"
        case .permissionDenied: "OFPHFC_EPERM"
        }
    }
}

/// OFPBRC_*: why a request was refused.
public enum BadRequestCode: UInt16, CaseIterable, Sendable {
    case badVersion = 0
    case badType = 1
    case badMultipart = 2
    case badExperimenter = 3
    case badExperimenterType = 4
    case permissionDenied = 5
    case badLength = 6
    case bufferEmpty = 7
    case bufferUnknown = 8
    case badTableID = 9
    case isSlave = 10
    case badPort = 11
    case badPacket = 12
    /// A multipart reply grew past what the receiver keeps.
    case multipartBufferOverflow = 13

    public var name: String {
        switch self {
        case .badVersion: "OFPBRC_BAD_VERSION"
        case .badType: "OFPBRC_BAD_TYPE"
        case .badMultipart: "OFPBRC_BAD_MULTIPART"
        case .badExperimenter: "OFPBRC_BAD_EXPERIMENTER"
        case .badExperimenterType: "OFPBRC_BAD_EXP_TYPE"
        case .permissionDenied: "OFPBRC_EPERM"
        case .badLength: "OFPBRC_BAD_LEN"
        case .bufferEmpty: "OFPBRC_BUFFER_EMPTY"
        case .bufferUnknown: "OFPBRC_BUFFER_UNKNOWN"
        case .badTableID: "OFPBRC_BAD_TABLE_ID"
        case .isSlave: "OFPBRC_IS_SLAVE"
        case .badPort: "OFPBRC_BAD_PORT"
        case .badPacket: "OFPBRC_BAD_PACKET"
        case .multipartBufferOverflow: "OFPBRC_MULTIPART_BUFFER_OVERFLOW"
        }
    }
}

/// OFPFMFC_*: why a flow mod failed (what a switch answers a flow it refuses).
public enum FlowModFailedCode: UInt16, CaseIterable, Sendable {
    case unknown = 0
    case tableFull = 1
    case badTableID = 2
    case overlap = 3
    case permissionDenied = 4
    case badTimeout = 5
    case badCommand = 6
    case badFlags = 7

    public var name: String {
        switch self {
        case .unknown: "OFPFMFC_UNKNOWN"
        case .tableFull: "OFPFMFC_TABLE_FULL"
        case .badTableID: "OFPFMFC_BAD_TABLE_ID"
        case .overlap: "OFPFMFC_OVERLAP"
        case .permissionDenied: "OFPFMFC_EPERM"
        case .badTimeout: "OFPFMFC_BAD_TIMEOUT"
        case .badCommand: "OFPFMFC_BAD_COMMAND"
        case .badFlags: "OFPFMFC_BAD_FLAGS"
        }
    }
}

/// An ERROR's type and code as one value: the codes of the types above by
/// name, any other pair as its numbers. Encodes to and decodes from the two
/// 16-bit fields of `ErrorMessage`.
public enum OpenFlowErrorCode: Sendable, Hashable, CustomStringConvertible {
    case helloFailed(HelloFailedCode)
    case badRequest(BadRequestCode)
    case flowModFailed(FlowModFailedCode)
    /// A type without declared codes here (or a code not declared).
    case other(type: UInt16, code: UInt16)

    public init(type: UInt16, code: UInt16) {
        switch ErrorType(rawValue: type) {
        case .helloFailed?: self = HelloFailedCode(rawValue: code).map(Self.helloFailed) ?? .other(type: type, code: code)
        case .badRequest?: self = BadRequestCode(rawValue: code).map(Self.badRequest) ?? .other(type: type, code: code)
        case .flowModFailed?: self = FlowModFailedCode(rawValue: code).map(Self.flowModFailed) ?? .other(type: type, code: code)
        default: self = .other(type: type, code: code)
        }
    }

    /// The OFPET_* number.
    public var type: UInt16 {
        switch self {
        case .helloFailed: ErrorType.helloFailed.rawValue
        case .badRequest: ErrorType.badRequest.rawValue
        case .flowModFailed: ErrorType.flowModFailed.rawValue
        case let .other(type, _): type
        }
    }

    /// The code number (its meaning depends on the type).
    public var code: UInt16 {
        switch self {
        case let .helloFailed(code): code.rawValue
        case let .badRequest(code): code.rawValue
        case let .flowModFailed(code): code.rawValue
        case let .other(_, code): code
        }
    }

    /// "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN"; the numbers for what is not declared
    /// ("OFPET_BAD_ACTION/4", "OFPET_UNKNOWN_99/1").
    public var description: String {
        let typeName = ErrorType.name(type)
        let codeName: String = switch self {
        case let .helloFailed(code): code.name
        case let .badRequest(code): code.name
        case let .flowModFailed(code): code.name
        case let .other(_, code): "\(code)"
        }
        return typeName + "/" + codeName
    }
}
