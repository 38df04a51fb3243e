import NIOCore

/// NOTIFICATION (RFC 4271 §4.5): the error that closes a session.
public struct Notification: Hashable, Sendable {
    public var code: UInt8
    public var subcode: UInt8
    public var data: [UInt8]

    public init(code: UInt8, subcode: UInt8, data: [UInt8] = []) {
        self.code = code
        self.subcode = subcode
        self.data = data
    }

    public init(_ error: NotificationError, data: [UInt8] = []) {
        (code, subcode) = error.codes
        self.data = data
    }

    /// The code and subcode by name.
    public var error: NotificationError { NotificationError(code: code, subcode: subcode) }

    func with(data: [UInt8]) -> Notification { Notification(code: code, subcode: subcode, data: data) }

    static func decode(_ r: inout WireReader) throws(BGPDecodingError) -> Notification {
        r.notification = .header(.badMessageLength)
        let code = try r.u8("NOTIFICATION error code")
        let subcode = try r.u8("NOTIFICATION error subcode")
        return Notification(code: code, subcode: subcode, data: r.rest())
    }

    func encode(into b: inout ByteBuffer) {
        b.writeInteger(code)
        b.writeInteger(subcode)
        b.writeBytes(data)
    }
}

extension Notification {
    static func header(_ s: MessageHeaderError) -> Notification { Notification(.messageHeader(s)) }
    static func open(_ s: OpenMessageError) -> Notification { Notification(.openMessage(s)) }
    static func update(_ s: UpdateMessageError) -> Notification { Notification(.updateMessage(s)) }
}

/// NOTIFICATION error codes with their subcodes, by the names the RFCs give
/// them (RFC 4271, 4486, 6608, 7313, 8203, 8538, 9234, 9384).
public enum NotificationError: Hashable, Sendable, CustomStringConvertible {
    case messageHeader(MessageHeaderError)
    case openMessage(OpenMessageError)
    case updateMessage(UpdateMessageError)
    case holdTimerExpired
    case finiteStateMachine(FiniteStateMachineError)
    case cease(CeaseSubcode)
    case routeRefreshMessage(RouteRefreshMessageError)
    /// A code or subcode this codec has no name for.
    case unknown(code: UInt8, subcode: UInt8)

    public init(code: UInt8, subcode: UInt8) {
        let named: NotificationError? = switch NotificationErrorCode(rawValue: code) {
        case .messageHeaderError?: MessageHeaderError(rawValue: subcode).map { .messageHeader($0) }
        case .openMessageError?: OpenMessageError(rawValue: subcode).map { .openMessage($0) }
        case .updateMessageError?: UpdateMessageError(rawValue: subcode).map { .updateMessage($0) }
        case .holdTimerExpired?: subcode == 0 ? .holdTimerExpired : nil
        case .finiteStateMachineError?: FiniteStateMachineError(rawValue: subcode).map { .finiteStateMachine($0) }
        case .cease?: CeaseSubcode(rawValue: subcode).map { .cease($0) }
        case .routeRefreshMessageError?: RouteRefreshMessageError(rawValue: subcode).map { .routeRefreshMessage($0) }
        case nil: nil
        }
        self = named ?? .unknown(code: code, subcode: subcode)
    }

    public var codes: (code: UInt8, subcode: UInt8) {
        func named(_ code: NotificationErrorCode, _ subcode: UInt8) -> (UInt8, UInt8) { (code.rawValue, subcode) }
        return switch self {
        case .messageHeader(let s): named(.messageHeaderError, s.rawValue)
        case .openMessage(let s): named(.openMessageError, s.rawValue)
        case .updateMessage(let s): named(.updateMessageError, s.rawValue)
        case .holdTimerExpired: named(.holdTimerExpired, 0)
        case .finiteStateMachine(let s): named(.finiteStateMachineError, s.rawValue)
        case .cease(let s): named(.cease, s.rawValue)
        case .routeRefreshMessage(let s): named(.routeRefreshMessageError, s.rawValue)
        case .unknown(let c, let s): (c, s)
        }
    }

    public var description: String {
        switch self {
        case .messageHeader(let s): "Message Header Error / \(s)"
        case .openMessage(let s): "OPEN Message Error / \(s)"
        case .updateMessage(let s): "UPDATE Message Error / \(s)"
        case .holdTimerExpired: "Hold Timer Expired"
        case .finiteStateMachine(let s): "Finite State Machine Error / \(s)"
        case .cease(let s): "Cease / \(s)"
        case .routeRefreshMessage(let s): "ROUTE-REFRESH Message Error / \(s)"
        case .unknown(let c, let s): "error code \(c) subcode \(s)"
        }
    }
}

/// RFC 4271 §4.5 "Error code" (RFC 6608 names 5, RFC 7313 adds 7).
public enum NotificationErrorCode: UInt8, Hashable, Sendable, CaseIterable {
    case messageHeaderError = 1
    case openMessageError = 2
    case updateMessageError = 3
    case holdTimerExpired = 4
    case finiteStateMachineError = 5
    case cease = 6
    case routeRefreshMessageError = 7
}

public enum MessageHeaderError: UInt8, Hashable, Sendable, CaseIterable {
    case connectionNotSynchronized = 1
    case badMessageLength = 2
    case badMessageType = 3
}

public enum OpenMessageError: UInt8, Hashable, Sendable, CaseIterable {
    case unspecific = 0
    case unsupportedVersionNumber = 1
    case badPeerAS = 2
    case badBGPIdentifier = 3
    case unsupportedOptionalParameter = 4
    case authenticationFailure = 5  // deprecated (RFC 4271)
    case unacceptableHoldTime = 6
    case unsupportedCapability = 7  // RFC 5492
    case roleMismatch = 11  // RFC 9234
}

public enum UpdateMessageError: UInt8, Hashable, Sendable, CaseIterable {
    case unspecific = 0
    case malformedAttributeList = 1
    case unrecognizedWellKnownAttribute = 2
    case missingWellKnownAttribute = 3
    case attributeFlagsError = 4
    case attributeLengthError = 5
    case invalidOriginAttribute = 6
    case asRoutingLoop = 7  // deprecated
    case invalidNextHopAttribute = 8
    case optionalAttributeError = 9
    case invalidNetworkField = 10
    case malformedASPath = 11
}

/// RFC 6608.
public enum FiniteStateMachineError: UInt8, Hashable, Sendable, CaseIterable {
    case unspecified = 0
    case unexpectedMessageInOpenSent = 1
    case unexpectedMessageInOpenConfirm = 2
    case unexpectedMessageInEstablished = 3
}

/// RFC 4486, 8538, 9384.
public enum CeaseSubcode: UInt8, Hashable, Sendable, CaseIterable {
    case unspecified = 0
    case maximumNumberOfPrefixesReached = 1
    case administrativeShutdown = 2
    case peerDeconfigured = 3
    case administrativeReset = 4
    case connectionRejected = 5
    case otherConfigurationChange = 6
    case connectionCollisionResolution = 7
    case outOfResources = 8
    case hardReset = 9
    case bfdDown = 10
}

/// RFC 7313.
public enum RouteRefreshMessageError: UInt8, Hashable, Sendable, CaseIterable {
    case invalidMessageLength = 1
}
