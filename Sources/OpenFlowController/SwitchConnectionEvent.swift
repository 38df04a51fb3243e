import OpenFlow

/// What the state machine tells its owner, besides bytes to send.
public enum SwitchConnectionOutput: Sendable {
    /// A message for the switch.
    case send(OpenFlowEnvelope)
    /// Something the application may care about.
    case event(SwitchConnectionEvent)
    /// The request with this xid is finished.
    case completed(xid: UInt32, Result<[OpenFlowMessage], OpenFlowRequestError>)
    /// The connection must end (after sending what came before).
    case close(SwitchCloseReason)
}

public enum SwitchConnectionEvent: Sendable {
    /// Handshake done: the switch speaks 1.3, has a datapath id, its config is set.
    case ready(SwitchFeatures, ports: [PortDescription])
    case portStatus(PortStatus)
    case packetIn(PacketIn)
    case flowRemoved(FlowRemoved)
    /// An ERROR that answers none of our pending requests.
    case unsolicitedError(ErrorMessage, xid: UInt32)
    /// A message was refused but the stream goes on (the reason, for the log).
    case rejected(String)
}

/// Why a request did not get its reply.
public enum OpenFlowRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The switch answered with an ERROR.
    case rejected(ErrorMessage)
    /// Some messages of a barrier-confirmed batch got ERRORs (in the order
    /// they came), each with the message's place in the batch; the others were applied.
    case batchRejected([BatchMemberError])
    /// The connection closed before the reply.
    case disconnected(String)
    /// The switch is not (or not yet) connected and ready.
    case notConnected
    /// The outbound queue was full: the message was dropped and counted.
    case overloaded

    public var description: String {
        switch self {
        case let .rejected(error): "switch error \(error.name)"
        case let .batchRejected(errors):
            "switch errors: " + errors.map { "message \($0.index): \($0.error.name)" }
                .joined(separator: ", ")
        case let .disconnected(why): "disconnected: \(why)"
        case .notConnected: "switch not connected"
        case .overloaded: "switch output queue full"
        }
    }
}

/// Why a connection was closed, with the text the log shows.
public enum SwitchCloseReason: Sendable, Hashable, CustomStringConvertible {
    case incompatibleVersion(peerVersions: [UInt8])
    case unframeable(OpenFlowDecodingError)
    case protocolViolation(String)
    case echoTimeout
    case handshakeTimeout
    case handshakeFailed(String)
    case peerClosed
    case controllerStopped

    public var description: String {
        switch self {
        case let .incompatibleVersion(versions): "no common OpenFlow version (peer offers \(versions), we need 4 = 1.3)"
        case let .unframeable(error): "stream cannot be resynchronised: \(error)"
        case let .protocolViolation(why): "protocol violation: \(why)"
        case .echoTimeout: "no answer to echo request"
        case .handshakeTimeout: "handshake did not finish in time"
        case let .handshakeFailed(why): "handshake failed: \(why)"
        case .peerClosed: "peer closed the connection"
        case .controllerStopped: "controller stopped"
        }
    }
}

/// The ERROR one message of a barrier-confirmed batch got, with its place in the batch.
public struct BatchMemberError: Sendable, Hashable {
    public var index: Int
    public var error: ErrorMessage

    public init(index: Int, error: ErrorMessage) {
        self.index = index
        self.error = error
    }
}
