import NIOCore

/// Reserved port numbers (ofp_port_no).
public enum OpenFlowPort {
    public static let max: UInt32 = 0xffff_ff00
    public static let inPort: UInt32 = 0xffff_fff8
    public static let table: UInt32 = 0xffff_fff9
    public static let normal: UInt32 = 0xffff_fffa
    public static let flood: UInt32 = 0xffff_fffb
    public static let all: UInt32 = 0xffff_fffc
    public static let controller: UInt32 = 0xffff_fffd
    public static let local: UInt32 = 0xffff_fffe
    public static let any: UInt32 = 0xffff_ffff
}

/// max_len value asking the switch to send the whole packet to the controller.
public let controllerMaxLengthNoBuffer: UInt16 = 0xffff

/// An OpenFlow 1.3 action (ofp_action_*), including the Nicira experimenter
/// actions Open vSwitch understands. Any other experimenter action is kept as
/// its bytes and re-encodes unchanged.
public enum Action: Sendable, Hashable {
    case output(port: UInt32, maxLength: UInt16)
    case copyTTLOut
    case copyTTLIn
    case setMPLSTTL(UInt8)
    case decMPLSTTL
    case pushVLAN(etherType: UInt16)
    case popVLAN
    case pushMPLS(etherType: UInt16)
    case popMPLS(etherType: UInt16)
    case setQueue(UInt32)
    case group(UInt32)
    case setNetworkTTL(UInt8)
    case decNetworkTTL
    case setField(OXMField)
    case pushPBB(etherType: UInt16)
    case popPBB
    /// A Nicira (0x00002320) extension action.
    case nicira(NiciraAction)
    /// Any other experimenter action: the id and the bytes after it.
    case experimenter(id: UInt32, body: ByteBuffer)
    /// An action type OpenFlow 1.3 does not define: its bytes after type and length.
    case unknown(type: UInt16, body: ByteBuffer)

    /// Output to a port; to the controller, `maxLength` bytes of the packet.
    public static func output(_ port: UInt32) -> Action { .output(port: port, maxLength: 0) }

    /// The declared type of this action; nil for `unknown`.
    public var actionType: ActionType? {
        switch self {
        case .output: .output
        case .copyTTLOut: .copyTTLOut
        case .copyTTLIn: .copyTTLIn
        case .setMPLSTTL: .setMPLSTTL
        case .decMPLSTTL: .decMPLSTTL
        case .pushVLAN: .pushVLAN
        case .popVLAN: .popVLAN
        case .pushMPLS: .pushMPLS
        case .popMPLS: .popMPLS
        case .setQueue: .setQueue
        case .group: .group
        case .setNetworkTTL: .setNetworkTTL
        case .decNetworkTTL: .decNetworkTTL
        case .setField: .setField
        case .pushPBB: .pushPBB
        case .popPBB: .popPBB
        case .nicira, .experimenter: .experimenter
        case .unknown: nil
        }
    }

    /// The OFPAT_* number.
    public var type: UInt16 {
        if case let .unknown(type, _) = self { return type }
        return actionType?.rawValue ?? 0  // every other case has a declared type
    }

    public func encode(into buffer: inout ByteBuffer) {
        if let size = fixedSize {
            buffer.writeFixed(size) { w in write(&w) }
            return
        }
        switch self {
        case let .nicira(action):
            action.encode(into: &buffer)
        case let .experimenter(id, body):
            buffer.writeOpaqueTLV(type: type, experimenter: id, body)
        case let .unknown(_, body):
            buffer.writeOpaqueTLV(type: type, body)
        default:
            break  // every other action has a fixed size
        }
    }

    /// The wire size when it follows from the value alone (all but the opaque
    /// and property-list actions); such actions go out through `write`.
    var fixedSize: Int? {
        switch self {
        case .output: 16
        case .copyTTLOut, .copyTTLIn, .decMPLSTTL, .popVLAN, .decNetworkTTL, .popPBB, .setMPLSTTL, .setNetworkTTL,
             .pushVLAN, .pushMPLS, .popMPLS, .pushPBB, .setQueue, .group: 8
        case let .setField(field): (4 &+ field.size &+ 7) & ~7
        case let .nicira(action): action.fixedSize
        case .experimenter, .unknown: nil
        }
    }

    /// Writes an action whose `fixedSize` is not nil, exactly that many bytes.
    func write(_ w: inout FixedWriter) {
        switch self {
        case let .output(port, maxLength):
            w.put(ActionType.output.rawValue); w.put(UInt16(16)); w.put(port); w.put(maxLength); w.zeros(6)
        case .copyTTLOut, .copyTTLIn, .decMPLSTTL, .popVLAN, .decNetworkTTL, .popPBB:
            w.put(type); w.put(UInt16(8)); w.zeros(4)
        case let .setMPLSTTL(ttl), let .setNetworkTTL(ttl):
            w.put(type); w.put(UInt16(8)); w.put(ttl); w.zeros(3)
        case let .pushVLAN(etherType), let .pushMPLS(etherType), let .popMPLS(etherType), let .pushPBB(etherType):
            w.put(type); w.put(UInt16(8)); w.put(etherType); w.zeros(2)
        case let .setQueue(id), let .group(id):
            w.put(type); w.put(UInt16(8)); w.put(id)
        case let .setField(field):
            let size = field.size, total = (4 &+ size &+ 7) & ~7
            w.put(ActionType.setField.rawValue); w.put(UInt16(truncatingIfNeeded: total)); field.write(&w); w.zeros(total &- 4 &- size)
        case let .nicira(action):
            action.write(&w)
        case .experimenter, .unknown:
            break  // not fixed-size: never called for these
        }
    }

    /// Decodes one action; `reader` holds exactly its bytes.
    @inline(__always)  // so validation, which drops the value, does not build it
    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Action {
        try decode(from: &reader, into: BuildAction.self)
    }

    /// Reads one action and hands it to `Sink`, which builds it or (when
    /// validating) does not: the checks are the same either way.
    @inline(__always)
    static func decode<Sink: ActionSink>(from reader: inout WireReader, into _: Sink.Type) throws(OpenFlowDecodingError) -> Sink.Output {
        let at = reader.offset
        let (type, length) = try reader.fixed(4, "action header") { r in (r.get(UInt16.self), r.get(UInt16.self)) }
        func fixed(_ size: UInt16) throws(OpenFlowDecodingError) {
            guard length == size else { throw reader.error("action length", .badLength(Int(length)), at: at &+ 2) }
        }
        let action: Sink.Output
        switch ActionType(rawValue: type) {
        case .output?:
            try fixed(16)
            let (port, maxLength) = try reader.fixed(12, "output port and max_len") { r in (r.get(UInt32.self), r.get(UInt16.self)) }
            action = Sink.take(.output(port: port, maxLength: maxLength))
        case let known? where known.hasNoArgument:
            try fixed(8)
            try reader.skip(4, "action padding")
            switch known {
            case .copyTTLOut: action = Sink.take(.copyTTLOut)
            case .copyTTLIn: action = Sink.take(.copyTTLIn)
            case .decMPLSTTL: action = Sink.take(.decMPLSTTL)
            case .popVLAN: action = Sink.take(.popVLAN)
            case .decNetworkTTL: action = Sink.take(.decNetworkTTL)
            default: action = Sink.take(.popPBB)
            }
        case .setMPLSTTL?, .setNetworkTTL?:
            try fixed(8)
            let ttl: UInt8 = try reader.integer("ttl")
            try reader.skip(3, "ttl padding")
            action = Sink.take(type == ActionType.setMPLSTTL.rawValue ? .setMPLSTTL(ttl) : .setNetworkTTL(ttl))
        case let known? where known.hasEtherType:
            try fixed(8)
            let etherType: UInt16 = try reader.integer("ethertype")
            try reader.skip(2, "ethertype padding")
            switch known {
            case .pushVLAN: action = Sink.take(.pushVLAN(etherType: etherType))
            case .pushMPLS: action = Sink.take(.pushMPLS(etherType: etherType))
            case .popMPLS: action = Sink.take(.popMPLS(etherType: etherType))
            default: action = Sink.take(.pushPBB(etherType: etherType))
            }
        case .setQueue?:
            try fixed(8)
            let id: UInt32 = try reader.integer("queue id")
            action = Sink.take(.setQueue(id))
        case .group?:
            try fixed(8)
            let id: UInt32 = try reader.integer("group id")
            action = Sink.take(.group(id))
        case .setField?:
            action = try Sink.setField(from: &reader, length: Int(length), at: at)
        case .experimenter?:
            let id: UInt32 = try reader.integer("action experimenter id")
            if id == NiciraAction.experimenterID, let nicira = try NiciraAction.decodeBody(from: &reader, actionStart: at) {
                action = Sink.take(.nicira(nicira))
            } else {
                let body = reader.rest()
                action = Sink.take(.experimenter(id: id, body: body))
            }
        default:
            let body = reader.rest()
            action = Sink.take(.unknown(type: type, body: body))
        }
        guard reader.isEmpty else { throw reader.error("action trailing bytes", .badLength(Int(length))) }
        return action
    }

    /// Decodes an action list that fills `reader`.
    static func decodeList(from reader: inout WireReader) throws(OpenFlowDecodingError) -> [Action] {
        try reader.elements("action", minimum: 8, multipleOf: 8) { (one: inout WireReader) throws(OpenFlowDecodingError) in
            try Action.decode(from: &one)
        }
    }

    /// A set_field's length must be its TLV's, padded to 8.
    static func checkSetFieldLength(tlv: Int, length: Int, at: Int, _ reader: inout WireReader) throws(OpenFlowDecodingError) {
        guard (4 &+ tlv &+ 7) & ~7 == length else { throw reader.error("set_field length", .badLength(length), at: at &+ 2) }
        try reader.skip(reader.remaining, "set_field padding")
    }

    /// Checks an action list that fills `reader` as `decodeList` would, building nothing.
    static func validateList(from reader: inout WireReader) throws(OpenFlowDecodingError) {
        try reader.forEachElement("action", minimum: 8, multipleOf: 8) { (one: inout WireReader) throws(OpenFlowDecodingError) in
            try Action.decode(from: &one, into: CheckAction.self)
        }
    }

    /// An overlay's action lists are all fixed-size: those go out in one block.
    static func encodeList(_ actions: [Action], into buffer: inout ByteBuffer) {
        var total = 0
        for action in actions {
            guard let size = action.fixedSize else {
                for action in actions { action.encode(into: &buffer) }
                return
            }
            total &+= size
        }
        guard total > 0 else { return }
        buffer.writeFixed(total) { w in
            for action in actions { action.write(&w) }
        }
    }
}

extension ActionType {
    /// The 8-byte actions with nothing after type and length but padding.
    var hasNoArgument: Bool {
        switch self {
        case .copyTTLOut, .copyTTLIn, .decMPLSTTL, .popVLAN, .decNetworkTTL, .popPBB: true
        default: false
        }
    }

    /// The 8-byte actions that carry an ethertype.
    var hasEtherType: Bool {
        switch self {
        case .pushVLAN, .pushMPLS, .popMPLS, .pushPBB: true
        default: false
        }
    }
}
