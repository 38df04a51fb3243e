import NIOCore

/// Nicira extension actions (experimenter 0x00002320) as Open vSwitch encodes
/// them: an OpenFlow 1.3 `set_field` writes only constants, so a generic ARP
/// responder needs NXAST_REG_MOVE; NXAST_RESUBMIT chains tables; NXAST_CONTROLLER2
/// carries a userdata cookie and pause flag to the controller.
public enum NiciraAction: Sendable, Hashable {
    /// NXAST_RESUBMIT (1): re-run the table lookup with `inPort`.
    case resubmit(inPort: UInt16)
    /// NXAST_RESUBMIT_TABLE (14): `resubmit(port,table)`; OFPP_IN_PORT (0xfff8) keeps the port.
    case resubmitTable(inPort: UInt16, table: UInt8)
    /// NXAST_REG_MOVE (6): copy `bits` bits from `source`[sourceOffset] to `destination`[destinationOffset].
    case regMove(bits: UInt16, sourceOffset: UInt16, destinationOffset: UInt16, source: OXMHeader, destination: OXMHeader)
    /// NXAST_REG_LOAD (7): load `value` into `destination`[offset..offset+bits).
    case regLoad(offset: UInt16, bits: UInt16, destination: OXMHeader, value: UInt64)
    /// NXAST_REG_LOAD2 (33): load an OXM TLV (value, optional mask) into its field.
    case regLoad2(OXMField)
    /// NXAST_CONTROLLER (20).
    case controller(maxLength: UInt16, controllerID: UInt16, reason: UInt8)
    /// NXAST_CONTROLLER2 (37): properties as OVS writes them.
    case controller2(NXController2)
    /// Any other Nicira subtype: its bytes after the subtype.
    case other(subtype: UInt16, body: ByteBuffer)

    public static let experimenterID: UInt32 = 0x0000_2320

    /// The declared subtype of this action; nil for `other`.
    public var niciraSubtype: NiciraActionSubtype? {
        switch self {
        case .resubmit: .resubmit
        case .resubmitTable: .resubmitTable
        case .regMove: .regMove
        case .regLoad: .regLoad
        case .regLoad2: .regLoad2
        case .controller: .controller
        case .controller2: .controller2
        case .other: nil
        }
    }

    /// The NXAST_* number.
    public var subtype: UInt16 {
        if case let .other(subtype, _) = self { return subtype }
        return niciraSubtype?.rawValue ?? 0  // every other case has a declared subtype
    }

    /// Writes the whole action, experimenter header included.
    func encode(into buffer: inout ByteBuffer) {
        if let size = fixedSize {
            buffer.writeFixed(size) { w in write(&w) }
            return
        }
        switch self {
        case let .controller2(controller):
            buffer.writeTLV(type: ActionType.experimenter.rawValue) { buffer, _ in
                buffer.writeFixed(12) { w in w.put(Self.experimenterID); w.put(subtype); w.zeros(6) }
                controller.encodeProperties(into: &buffer)
            }
        case let .other(_, body):
            buffer.writeTLV(type: ActionType.experimenter.rawValue) { buffer, _ in
                buffer.writeFixed(6) { w in w.put(Self.experimenterID); w.put(subtype) }
                buffer.writeImmutableBuffer(body)
            }
        default:
            break  // the others have a fixed size
        }
    }

    /// The wire size when it follows from the value alone (not controller2's
    /// properties nor an opaque subtype).
    var fixedSize: Int? {
        switch self {
        case .resubmit, .resubmitTable, .controller: 16
        case let .regMove(_, _, _, source, destination): (16 &+ source.size &+ destination.size &+ 7) & ~7
        case .regLoad: 24
        case let .regLoad2(field): (10 &+ field.size &+ 7) & ~7
        case .controller2, .other: nil
        }
    }

    /// Writes an action whose `fixedSize` is not nil, exactly that many bytes.
    func write(_ w: inout FixedWriter) {
        guard let total = fixedSize else { return }
        // Type, length, experimenter id and subtype.
        w.put(ActionType.experimenter.rawValue); w.put(UInt16(truncatingIfNeeded: total)); w.put(Self.experimenterID); w.put(subtype)
        switch self {
        case let .resubmit(inPort):
            w.put(inPort); w.zeros(4)
        case let .resubmitTable(inPort, table):
            w.put(inPort); w.put(table); w.zeros(3)
        case let .regMove(bits, sourceOffset, destinationOffset, source, destination):
            w.put(bits); w.put(sourceOffset); w.put(destinationOffset)
            source.write(&w); destination.write(&w); w.zeros(total &- 16 &- source.size &- destination.size)
        case let .regLoad(offset, bits, destination, value):
            // The layout holds a 4-byte field header only (no experimenter id).
            w.put(offset << 6 | ((bits &- 1) & 0x3f))
            w.put(UInt32(destination.oxmClass) << 16 | UInt32(destination.field & 0x7f) << 9
                  | (destination.hasMask ? 0x100 : 0) | UInt32(destination.length))
            w.put(value)
        case let .regLoad2(field):
            field.write(&w); w.zeros(total &- 10 &- field.size)
        case let .controller(maxLength, controllerID, reason):
            w.put(maxLength); w.put(controllerID); w.put(reason); w.zeros(1)
        case .controller2, .other:
            break
        }
    }

    /// Decodes after the experimenter id; nil (reader untouched) for a layout we
    /// do not recognise, so the caller keeps it opaque.
    static func decodeBody(from reader: inout WireReader, actionStart: Int) throws(OpenFlowDecodingError) -> NiciraAction? {
        let saved = reader
        let subtype: UInt16 = try reader.integer("Nicira subtype")
        let length = reader.offset &- actionStart &+ reader.remaining
        let action: NiciraAction
        switch NiciraActionSubtype(rawValue: subtype) {
        case .resubmit?, .resubmitTable?:
            guard length == 16 else { reader = saved; return nil }
            let inPort: UInt16 = try reader.integer("resubmit in_port")
            let table: UInt8 = try reader.integer("resubmit table")
            let pad = try reader.fixed(3, "resubmit padding") { r in UInt32(r.get(UInt8.self)) | UInt32(r.get(UInt16.self)) }
            let withTable = subtype == NiciraActionSubtype.resubmitTable.rawValue
            guard pad == 0, withTable || table == 0 else { reader = saved; return nil }
            action = withTable ? .resubmitTable(inPort: inPort, table: table) : .resubmit(inPort: inPort)
        case .regMove?:
            let bits: UInt16 = try reader.integer("reg_move n_bits")
            let sourceOffset: UInt16 = try reader.integer("reg_move src_ofs")
            let destinationOffset: UInt16 = try reader.integer("reg_move dst_ofs")
            let source = try OXMHeader.decode(from: &reader)
            let destination = try OXMHeader.decode(from: &reader)
            guard (16 &+ source.size &+ destination.size &+ 7) & ~7 == length else { reader = saved; return nil }
            try reader.skip(reader.remaining, "reg_move padding")
            action = .regMove(bits: bits, sourceOffset: sourceOffset, destinationOffset: destinationOffset, source: source, destination: destination)
        case .regLoad?:
            guard length == 24 else { reader = saved; return nil }
            let offsetAndBits: UInt16 = try reader.integer("reg_load ofs_nbits")
            let destination = try OXMHeader.decode(from: &reader)
            guard destination.experimenter == nil else { reader = saved; return nil }
            action = .regLoad(offset: offsetAndBits >> 6, bits: (offsetAndBits & 0x3f) &+ 1, destination: destination,
                              value: try reader.integer("reg_load value"))
        case .regLoad2?:
            let field = try OXMField.decode(from: &reader)
            guard (10 &+ field.size &+ 7) & ~7 == length, reader.restIsZero else {
                reader = saved
                return nil
            }
            try reader.skip(reader.remaining, "reg_load2 padding")
            action = .regLoad2(field)
        case .controller?:
            guard length == 16 else { reader = saved; return nil }
            action = .controller(maxLength: try reader.integer("controller max_len"),
                                 controllerID: try reader.integer("controller id"),
                                 reason: try reader.integer("controller reason"))
            try reader.skip(1, "controller padding")
        case .controller2?:
            try reader.skip(6, "controller2 padding")
            guard let controller = try NXController2.decodeProperties(from: &reader) else { reader = saved; return nil }
            action = .controller2(controller)
        case nil:
            return .other(subtype: subtype, body: reader.rest())
        }
        return action
    }
}

/// NXAST_CONTROLLER2's properties (NXAC2PT_*). Each is written only when set,
/// in OVS's order (max_len, controller_id, reason, userdata, pause, meter_id)
/// and OVS's sizes: 16- and 32-bit values fill a 4-byte body (length 8), the
/// reason byte stands alone (length 5).
public struct NXController2: Sendable, Hashable {
    public var maxLength: UInt16?
    public var controllerID: UInt16?
    public var reason: UInt8?
    public var userdata: [UInt8]?
    public var pause: Bool
    public var meterID: UInt32?

    public init(maxLength: UInt16? = nil, controllerID: UInt16? = nil, reason: UInt8? = nil,
                userdata: [UInt8]? = nil, pause: Bool = false, meterID: UInt32? = nil) {
        self.maxLength = maxLength
        self.controllerID = controllerID
        self.reason = reason
        self.userdata = userdata
        self.pause = pause
        self.meterID = meterID
    }

    /// NXAC2PT_*: the property types, in the order OVS writes them.
    enum Property: UInt16 {
        case maxLength = 0, controllerID, reason, userdata, pause, meterID
    }

    func encodeProperties(into buffer: inout ByteBuffer) {
        func property(_ type: Property, _ body: (inout ByteBuffer) -> Void) {
            buffer.writePaddedTLV(type: type.rawValue, body)
        }
        if let maxLength { property(.maxLength) { $0.writeInteger(maxLength); $0.writeZeros(2) } }
        if let controllerID { property(.controllerID) { $0.writeInteger(controllerID); $0.writeZeros(2) } }
        if let reason { property(.reason) { $0.writeInteger(reason) } }
        if let userdata { property(.userdata) { $0.writeBytes(userdata) } }
        if pause { property(.pause) { _ in } }
        if let meterID { property(.meterID) { $0.writeInteger(meterID) } }
    }

    /// Nil when the properties are not in the form `encodeProperties` writes
    /// (unknown property, duplicates, other order): the action then stays opaque.
    static func decodeProperties(from reader: inout WireReader) throws(OpenFlowDecodingError) -> NXController2? {
        var out = NXController2()
        var last = -1
        while !reader.isEmpty {
            let type: UInt16 = try reader.integer("controller2 property type")
            let length = Int(try reader.integer("controller2 property length", as: UInt16.self))
            guard length >= 4, Int(type) > last else { return nil }
            last = Int(type)
            var body = try reader.sub(length &- 4, "controller2 property")
            try reader.skip(min((8 &- length % 8) % 8, reader.remaining), "controller2 property padding")
            switch (Property(rawValue: type), length) {
            case (.maxLength?, 8): out.maxLength = try body.integer("max_len")
            case (.controllerID?, 8): out.controllerID = try body.integer("controller_id")
            case (.reason?, 5): out.reason = try body.integer("reason")
            case (.userdata?, _): out.userdata = try body.bytes(body.remaining, "userdata")
            case (.pause?, 4): out.pause = true
            case (.meterID?, 8): out.meterID = try body.integer("meter_id")
            default: return nil
            }
        }
        return out
    }
}
