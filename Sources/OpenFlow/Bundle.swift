import NIOCore

/// Bundles: OpenFlow 1.4's transactions, offered on OpenFlow 1.3 as ONF
/// extension 230 (experimenter messages of the ONF). Messages added to an
/// open bundle are checked but not applied; a commit applies them all, or,
/// if one fails, none. Open vSwitch applies a committed bundle with one
/// change of its tables' version, so a packet sees the tables before the
/// bundle or after it, never a part of it, and a large change costs the
/// switch far less than the same messages one by one.

/// The ONF's experimenter message types for bundles (EXT-230).
public enum ONFExperimenterType: UInt32, WireNumber {
    case bundleControl = 2300
    case bundleAddMessage = 2301

    /// The experimenter id of the Open Networking Foundation.
    public static let experimenterID: UInt32 = 0x4F4E_4600

    public var name: String {
        switch self {
        case .bundleControl: "ONF_ET_BUNDLE_CONTROL"
        case .bundleAddMessage: "ONF_ET_BUNDLE_ADD_MESSAGE"
        }
    }

    public static let unknownPrefix = "ONF_ET_UNKNOWN_"
}

/// OFPBCT_*: what a bundle control message asks or answers.
public enum BundleControlType: UInt16, WireNumber {
    case openRequest = 0
    case openReply = 1
    case closeRequest = 2
    case closeReply = 3
    case commitRequest = 4
    case commitReply = 5
    case discardRequest = 6
    case discardReply = 7

    public var name: String {
        switch self {
        case .openRequest: "OFPBCT_OPEN_REQUEST"
        case .openReply: "OFPBCT_OPEN_REPLY"
        case .closeRequest: "OFPBCT_CLOSE_REQUEST"
        case .closeReply: "OFPBCT_CLOSE_REPLY"
        case .commitRequest: "OFPBCT_COMMIT_REQUEST"
        case .commitReply: "OFPBCT_COMMIT_REPLY"
        case .discardRequest: "OFPBCT_DISCARD_REQUEST"
        case .discardReply: "OFPBCT_DISCARD_REPLY"
        }
    }

    public static let unknownPrefix = "OFPBCT_UNKNOWN_"

    /// The reply a switch sends to this request (nil for a reply).
    public var reply: BundleControlType? {
        switch self {
        case .openRequest: .openReply
        case .closeRequest: .closeReply
        case .commitRequest: .commitReply
        case .discardRequest: .discardReply
        default: nil
        }
    }
}

/// OFPBF_*: how a bundle is applied.
public struct BundleFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// All or nothing.
    public static let atomic = BundleFlags(rawValue: 1 << 0)
    /// In the order the messages were added.
    public static let ordered = BundleFlags(rawValue: 1 << 1)
}

/// A bundle control message (ofp14_bundle_ctrl_msg, without properties).
public struct BundleControl: Sendable, Hashable {
    public var bundleID: UInt32
    public var type: BundleControlType
    public var flags: BundleFlags

    public init(bundleID: UInt32, type: BundleControlType, flags: BundleFlags = [.atomic, .ordered]) {
        self.bundleID = bundleID
        self.type = type
        self.flags = flags
    }

    /// The OFPT_EXPERIMENTER message that carries it.
    public var experimenter: ExperimenterMessage {
        var data = ByteBuffer()
        data.writeInteger(bundleID)
        data.writeInteger(type.rawValue)
        data.writeInteger(flags.rawValue)
        return ExperimenterMessage(experimenter: ONFExperimenterType.experimenterID,
                                   expType: ONFExperimenterType.bundleControl.rawValue, data: data)
    }

    /// The bundle control message an experimenter message carries; nil when
    /// it is another experimenter's or another type. Properties are skipped.
    public init?(_ message: ExperimenterMessage) throws(OpenFlowDecodingError) {
        guard message.experimenter == ONFExperimenterType.experimenterID,
              message.expType == ONFExperimenterType.bundleControl.rawValue else { return nil }
        let (bundleID, rawType, flags) = try WireReader.with(message.data) { (reader: inout WireReader) throws(OpenFlowDecodingError) in
            (try reader.u32("bundle id"), try reader.u16("bundle control type"), try reader.u16("bundle flags"))
        }
        guard let type = BundleControlType(rawValue: rawType) else {
            throw OpenFlowDecodingError(what: "bundle control type", offset: 4, reason: .badValue(UInt64(rawType)))
        }
        self.init(bundleID: bundleID, type: type, flags: BundleFlags(rawValue: flags))
    }
}

/// A message added to an open bundle. On the wire it carries the whole
/// message, header included, and the outer message has the same xid.
public struct BundleAdd: Sendable, Hashable {
    public var bundleID: UInt32
    public var flags: BundleFlags
    public var message: OpenFlowMessage

    public init(bundleID: UInt32, flags: BundleFlags = [.atomic, .ordered], message: OpenFlowMessage) {
        self.bundleID = bundleID
        self.flags = flags
        self.message = message
    }

    /// The OFPT_EXPERIMENTER message to send with `xid` (the inner message's too).
    public func experimenter(xid: UInt32) throws(OpenFlowEncodingError) -> ExperimenterMessage {
        var data = ByteBuffer()
        data.writeInteger(bundleID)
        data.writeInteger(UInt16(0))
        data.writeInteger(flags.rawValue)
        try OpenFlowEnvelope(xid: xid, message).encode(into: &data)
        return ExperimenterMessage(experimenter: ONFExperimenterType.experimenterID,
                                   expType: ONFExperimenterType.bundleAddMessage.rawValue, data: data)
    }

    /// The bundled message an experimenter message carries, with its xid;
    /// nil when it is another experimenter's or another type. A bundle
    /// inside a bundle is refused.
    public static func decode(_ message: ExperimenterMessage) throws(OpenFlowDecodingError) -> (xid: UInt32, BundleAdd)? {
        guard message.experimenter == ONFExperimenterType.experimenterID,
              message.expType == ONFExperimenterType.bundleAddMessage.rawValue else { return nil }
        var data = message.data
        let (bundleID, flags) = try WireReader.with(data) { (reader: inout WireReader) throws(OpenFlowDecodingError) in
            let id = try reader.u32("bundle id")
            _ = try reader.u16("bundle pad")
            let flags = try reader.u16("bundle flags")
            return (id, flags)
        }
        data.moveReaderIndex(forwardBy: 8)
        // The embedded message is framed as any other: by the one framing function.
        var framer = OpenFlowMessageDecoder()
        framer.append(data)
        let envelope: OpenFlowEnvelope
        do throws(OpenFlowDecodingError) {
            guard let inner = try framer.nextFrame() else {
                throw OpenFlowDecodingError(what: "bundled message", offset: 0, reason: .truncated(needed: 8, available: data.readableBytes))
            }
            envelope = try OpenFlowEnvelope.decode(inner)
        } catch { throw error.shifted(by: 8) }
        if case let .experimenter(nested) = envelope.message, nested.experimenter == ONFExperimenterType.experimenterID {
            throw OpenFlowDecodingError(what: "bundled message (a bundle in a bundle)", offset: 8, reason: .badValue(UInt64(nested.expType)))
        }
        return (envelope.xid, BundleAdd(bundleID: bundleID, flags: BundleFlags(rawValue: flags), message: envelope.message))
    }
}
