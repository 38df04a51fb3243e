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

/// The codes of one error type (OpenFlow 1.3 §A.4.4): numbered from 0 in
/// the specification's order, so the names are a table in that order.
public protocol ErrorCodeNumber: WireNumber where RawValue == UInt16 {
    /// The OFPET_* these codes belong to.
    static var errorType: ErrorType { get }
    /// The specification's names, the code's number its index.
    static var names: [String] { get }
}

extension ErrorCodeNumber {
    public var name: String { Self.names[Int(rawValue)] }
    /// A code not declared is written as its number: "OFPET_BAD_REQUEST/99".
    public static var unknownPrefix: String { "" }
}

/// OFPHFC_*: why a HELLO failed.
public enum HelloFailedCode: UInt16, ErrorCodeNumber {
    case incompatible, permissionDenied
    public static let errorType = ErrorType.helloFailed
    public static let names = ["OFPHFC_INCOMPATIBLE", "OFPHFC_EPERM"]
}

/// OFPBRC_*: why a request was refused.
public enum BadRequestCode: UInt16, ErrorCodeNumber {
    case badVersion, badType, badMultipart, badExperimenter, badExperimenterType, permissionDenied, badLength, bufferEmpty,
        bufferUnknown, badTableID, isSlave, badPort, badPacket, multipartBufferOverflow
    public static let errorType = ErrorType.badRequest
    public static let names = [
        "OFPBRC_BAD_VERSION", "OFPBRC_BAD_TYPE", "OFPBRC_BAD_MULTIPART", "OFPBRC_BAD_EXPERIMENTER", "OFPBRC_BAD_EXP_TYPE",
        "OFPBRC_EPERM", "OFPBRC_BAD_LEN", "OFPBRC_BUFFER_EMPTY", "OFPBRC_BUFFER_UNKNOWN", "OFPBRC_BAD_TABLE_ID", "OFPBRC_IS_SLAVE",
        "OFPBRC_BAD_PORT", "OFPBRC_BAD_PACKET", "OFPBRC_MULTIPART_BUFFER_OVERFLOW",
    ]
}

/// OFPBAC_*: why an action was refused.
public enum BadActionCode: UInt16, ErrorCodeNumber {
    case badType, badLength, badExperimenter, badExperimenterType, badOutPort, badArgument, permissionDenied, tooMany, badQueue,
        badOutGroup, matchInconsistent, unsupportedOrder, badTag, badSetType, badSetLength, badSetArgument
    public static let errorType = ErrorType.badAction
    public static let names = [
        "OFPBAC_BAD_TYPE", "OFPBAC_BAD_LEN", "OFPBAC_BAD_EXPERIMENTER", "OFPBAC_BAD_EXP_TYPE", "OFPBAC_BAD_OUT_PORT",
        "OFPBAC_BAD_ARGUMENT", "OFPBAC_EPERM", "OFPBAC_TOO_MANY", "OFPBAC_BAD_QUEUE", "OFPBAC_BAD_OUT_GROUP",
        "OFPBAC_MATCH_INCONSISTENT", "OFPBAC_UNSUPPORTED_ORDER", "OFPBAC_BAD_TAG", "OFPBAC_BAD_SET_TYPE", "OFPBAC_BAD_SET_LEN",
        "OFPBAC_BAD_SET_ARGUMENT",
    ]
}

/// OFPBIC_*: why an instruction was refused.
public enum BadInstructionCode: UInt16, ErrorCodeNumber {
    case unknownInstruction, unsupportedInstruction, badTableID, unsupportedMetadata, unsupportedMetadataMask, badExperimenter,
        badExperimenterType, badLength, permissionDenied
    public static let errorType = ErrorType.badInstruction
    public static let names = [
        "OFPBIC_UNKNOWN_INST", "OFPBIC_UNSUP_INST", "OFPBIC_BAD_TABLE_ID", "OFPBIC_UNSUP_METADATA", "OFPBIC_UNSUP_METADATA_MASK",
        "OFPBIC_BAD_EXPERIMENTER", "OFPBIC_BAD_EXP_TYPE", "OFPBIC_BAD_LEN", "OFPBIC_EPERM",
    ]
}

/// OFPBMC_*: why a match was refused.
public enum BadMatchCode: UInt16, ErrorCodeNumber {
    case badType, badLength, badTag, badDatalinkAddressMask, badNetworkAddressMask, badWildcards, badField, badValue, badMask,
        badPrerequisite, duplicateField, permissionDenied
    public static let errorType = ErrorType.badMatch
    public static let names = [
        "OFPBMC_BAD_TYPE", "OFPBMC_BAD_LEN", "OFPBMC_BAD_TAG", "OFPBMC_BAD_DL_ADDR_MASK", "OFPBMC_BAD_NW_ADDR_MASK",
        "OFPBMC_BAD_WILDCARDS", "OFPBMC_BAD_FIELD", "OFPBMC_BAD_VALUE", "OFPBMC_BAD_MASK", "OFPBMC_BAD_PREREQ", "OFPBMC_DUP_FIELD",
        "OFPBMC_EPERM",
    ]
}

/// OFPFMFC_*: why a flow mod failed (what a switch answers a flow it refuses).
public enum FlowModFailedCode: UInt16, ErrorCodeNumber {
    case unknown, tableFull, badTableID, overlap, permissionDenied, badTimeout, badCommand, badFlags
    public static let errorType = ErrorType.flowModFailed
    public static let names = [
        "OFPFMFC_UNKNOWN", "OFPFMFC_TABLE_FULL", "OFPFMFC_BAD_TABLE_ID", "OFPFMFC_OVERLAP", "OFPFMFC_EPERM", "OFPFMFC_BAD_TIMEOUT",
        "OFPFMFC_BAD_COMMAND", "OFPFMFC_BAD_FLAGS",
    ]
}

/// OFPGMFC_*: why a group mod failed.
public enum GroupModFailedCode: UInt16, ErrorCodeNumber {
    case groupExists, invalidGroup, weightUnsupported, outOfGroups, outOfBuckets, chainingUnsupported, watchUnsupported, loop,
        unknownGroup, chainedGroup, badType, badCommand, badBucket, badWatch, permissionDenied
    public static let errorType = ErrorType.groupModFailed
    public static let names = [
        "OFPGMFC_GROUP_EXISTS", "OFPGMFC_INVALID_GROUP", "OFPGMFC_WEIGHT_UNSUPPORTED", "OFPGMFC_OUT_OF_GROUPS",
        "OFPGMFC_OUT_OF_BUCKETS", "OFPGMFC_CHAINING_UNSUPPORTED", "OFPGMFC_WATCH_UNSUPPORTED", "OFPGMFC_LOOP", "OFPGMFC_UNKNOWN_GROUP",
        "OFPGMFC_CHAINED_GROUP", "OFPGMFC_BAD_TYPE", "OFPGMFC_BAD_COMMAND", "OFPGMFC_BAD_BUCKET", "OFPGMFC_BAD_WATCH", "OFPGMFC_EPERM",
    ]
}

/// OFPPMFC_*: why a port mod failed.
public enum PortModFailedCode: UInt16, ErrorCodeNumber {
    case badPort, badHardwareAddress, badConfig, badAdvertise, permissionDenied
    public static let errorType = ErrorType.portModFailed
    public static let names = ["OFPPMFC_BAD_PORT", "OFPPMFC_BAD_HW_ADDR", "OFPPMFC_BAD_CONFIG", "OFPPMFC_BAD_ADVERTISE", "OFPPMFC_EPERM"]
}

/// OFPTMFC_*: why a table mod failed.
public enum TableModFailedCode: UInt16, ErrorCodeNumber {
    case badTable, badConfig, permissionDenied
    public static let errorType = ErrorType.tableModFailed
    public static let names = ["OFPTMFC_BAD_TABLE", "OFPTMFC_BAD_CONFIG", "OFPTMFC_EPERM"]
}

/// OFPQOFC_*: why a queue operation failed.
public enum QueueOpFailedCode: UInt16, ErrorCodeNumber {
    case badPort, badQueue, permissionDenied
    public static let errorType = ErrorType.queueOpFailed
    public static let names = ["OFPQOFC_BAD_PORT", "OFPQOFC_BAD_QUEUE", "OFPQOFC_EPERM"]
}

/// OFPSCFC_*: why a SET_CONFIG failed.
public enum SwitchConfigFailedCode: UInt16, ErrorCodeNumber {
    case badFlags, badLength, permissionDenied
    public static let errorType = ErrorType.switchConfigFailed
    public static let names = ["OFPSCFC_BAD_FLAGS", "OFPSCFC_BAD_LEN", "OFPSCFC_EPERM"]
}

/// OFPRRFC_*: why a role request failed.
public enum RoleRequestFailedCode: UInt16, ErrorCodeNumber {
    case stale, unsupported, badRole
    public static let errorType = ErrorType.roleRequestFailed
    public static let names = ["OFPRRFC_STALE", "OFPRRFC_UNSUP", "OFPRRFC_BAD_ROLE"]
}

/// OFPMMFC_*: why a meter mod failed.
public enum MeterModFailedCode: UInt16, ErrorCodeNumber {
    case unknown, meterExists, invalidMeter, unknownMeter, badCommand, badFlags, badRate, badBurst, badBand, badBandValue, outOfMeters,
        outOfBands
    public static let errorType = ErrorType.meterModFailed
    public static let names = [
        "OFPMMFC_UNKNOWN", "OFPMMFC_METER_EXISTS", "OFPMMFC_INVALID_METER", "OFPMMFC_UNKNOWN_METER", "OFPMMFC_BAD_COMMAND",
        "OFPMMFC_BAD_FLAGS", "OFPMMFC_BAD_RATE", "OFPMMFC_BAD_BURST", "OFPMMFC_BAD_BAND", "OFPMMFC_BAD_BAND_VALUE",
        "OFPMMFC_OUT_OF_METERS", "OFPMMFC_OUT_OF_BANDS",
    ]
}

/// OFPTFFC_*: why a table features request failed.
public enum TableFeaturesFailedCode: UInt16, ErrorCodeNumber {
    case badTable, badMetadata, badType, badLength, badArgument, permissionDenied
    public static let errorType = ErrorType.tableFeaturesFailed
    public static let names = [
        "OFPTFFC_BAD_TABLE", "OFPTFFC_BAD_METADATA", "OFPTFFC_BAD_TYPE", "OFPTFFC_BAD_LEN", "OFPTFFC_BAD_ARGUMENT", "OFPTFFC_EPERM",
    ]
}

/// An ERROR's type and code as one value: the codes of the types above by
/// name, any other pair as its numbers. Encodes to and decodes from the two
/// 16-bit fields of `ErrorMessage`. (OFPET_EXPERIMENTER's code is an
/// experimenter's own exp_type: `ErrorMessage` keeps it apart.)
public enum OpenFlowErrorCode: Sendable, Hashable, CustomStringConvertible {
    case helloFailed(HelloFailedCode)
    case badRequest(BadRequestCode)
    case badAction(BadActionCode)
    case badInstruction(BadInstructionCode)
    case badMatch(BadMatchCode)
    case flowModFailed(FlowModFailedCode)
    case groupModFailed(GroupModFailedCode)
    case portModFailed(PortModFailedCode)
    case tableModFailed(TableModFailedCode)
    case queueOpFailed(QueueOpFailedCode)
    case switchConfigFailed(SwitchConfigFailedCode)
    case roleRequestFailed(RoleRequestFailedCode)
    case meterModFailed(MeterModFailedCode)
    case tableFeaturesFailed(TableFeaturesFailedCode)
    /// A type without declared codes here (or a code not declared).
    case other(type: UInt16, code: UInt16)

    public init(type: UInt16, code: UInt16) {
        self = ErrorType(rawValue: type).flatMap { Self.decoders[$0]?(code) } ?? .other(type: type, code: code)
    }

    /// The declared code inside, as its number type.
    private var declared: (any ErrorCodeNumber)? {
        switch self {
        case let .helloFailed(code): code
        case let .badRequest(code): code
        case let .badAction(code): code
        case let .badInstruction(code): code
        case let .badMatch(code): code
        case let .flowModFailed(code): code
        case let .groupModFailed(code): code
        case let .portModFailed(code): code
        case let .tableModFailed(code): code
        case let .queueOpFailed(code): code
        case let .switchConfigFailed(code): code
        case let .roleRequestFailed(code): code
        case let .meterModFailed(code): code
        case let .tableFeaturesFailed(code): code
        case .other: nil
        }
    }

    /// Each declared type's code reader, keyed by the type its codes name.
    private static let decoders: [ErrorType: @Sendable (UInt16) -> OpenFlowErrorCode?] = Dictionary(uniqueKeysWithValues: [
        decoder(Self.helloFailed),
        decoder(Self.badRequest),
        decoder(Self.badAction),
        decoder(Self.badInstruction),
        decoder(Self.badMatch),
        decoder(Self.flowModFailed),
        decoder(Self.groupModFailed),
        decoder(Self.portModFailed),
        decoder(Self.tableModFailed),
        decoder(Self.queueOpFailed),
        decoder(Self.switchConfigFailed),
        decoder(Self.roleRequestFailed),
        decoder(Self.meterModFailed),
        decoder(Self.tableFeaturesFailed),
    ])

    private static func decoder<Code: ErrorCodeNumber>(
        _ make: @escaping @Sendable (Code) -> Self
    ) -> (ErrorType, @Sendable (UInt16) -> Self?) {
        (Code.errorType, { Code(rawValue: $0).map(make) })
    }

    /// The OFPET_* number.
    public var type: UInt16 {
        if let declared { return Swift.type(of: declared).errorType.rawValue }
        guard case let .other(type, _) = self else { preconditionFailure("a declared code without its type") }
        return type
    }

    /// The code number (its meaning depends on the type).
    public var code: UInt16 {
        if let declared { return declared.rawValue }
        guard case let .other(_, code) = self else { preconditionFailure("a declared code without its number") }
        return code
    }

    /// "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN"; the numbers for what is not declared
    /// ("OFPET_BAD_REQUEST/99", "OFPET_UNKNOWN_99/1").
    public var description: String {
        ErrorType.name(type) + "/" + (declared?.name ?? "\(code)")
    }
}
