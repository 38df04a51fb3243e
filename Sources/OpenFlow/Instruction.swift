import NIOCore

/// An OpenFlow 1.3 instruction (ofp_instruction_*).
public enum Instruction: Sendable, Hashable {
    case gotoTable(UInt8)
    case writeMetadata(UInt64, mask: UInt64)
    case writeActions([Action])
    case applyActions([Action])
    case clearActions
    case meter(UInt32)
    /// OFPIT_EXPERIMENTER: the id and the bytes after it.
    case experimenter(id: UInt32, body: ByteBuffer)
    /// An instruction type OpenFlow 1.3 does not define.
    case unknown(type: UInt16, body: ByteBuffer)

    /// The declared type of this instruction; nil for `unknown`.
    public var instructionType: InstructionType? {
        switch self {
        case .gotoTable: .gotoTable
        case .writeMetadata: .writeMetadata
        case .writeActions: .writeActions
        case .applyActions: .applyActions
        case .clearActions: .clearActions
        case .meter: .meter
        case .experimenter: .experimenter
        case .unknown: nil
        }
    }

    /// The OFPIT_* number.
    public var type: UInt16 {
        if case let .unknown(type, _) = self { return type }
        return instructionType?.rawValue ?? 0  // every other case has a declared type
    }

    /// The wire size when every part of it has a fixed size (all but the
    /// opaque instructions and actions); such instructions go out through `write`.
    var fixedSize: Int? {
        switch self {
        case .gotoTable, .clearActions, .meter:
            return 8
        case .writeMetadata:
            return 24
        case let .writeActions(actions), let .applyActions(actions):
            var size = 8
            for action in actions {
                guard let s = action.fixedSize else { return nil }
                size &+= s
            }
            return size
        case .experimenter, .unknown:
            return nil
        }
    }

    /// Writes an instruction whose `fixedSize` is not nil, exactly that many bytes.
    func write(_ w: inout FixedWriter, size: Int) {
        switch self {
        case let .gotoTable(table):
            w.put(type); w.put(UInt16(8)); w.put(table); w.zeros(3)
        case let .writeMetadata(metadata, mask):
            w.put(type); w.put(UInt16(24)); w.zeros(4); w.put(metadata); w.put(mask)
        case let .writeActions(actions), let .applyActions(actions):
            w.put(type); w.put(UInt16(truncatingIfNeeded: size)); w.zeros(4)
            for action in actions { action.write(&w) }
        case .clearActions:
            w.put(type); w.put(UInt16(8)); w.zeros(4)
        case let .meter(id):
            w.put(type); w.put(UInt16(8)); w.put(id)
        case .experimenter, .unknown:
            break  // never fixed
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        if let size = fixedSize {
            buffer.writeFixed(size) { w in write(&w, size: size) }
            return
        }
        switch self {
        case .gotoTable, .writeMetadata, .clearActions, .meter:
            break  // fixed-size: written above
        case let .writeActions(actions), let .applyActions(actions):
            let start = buffer.writerIndex
            buffer.writeFixed(8) { w in w.put(type); w.put(UInt16(0)); w.zeros(4) }
            Action.encodeList(actions, into: &buffer)
            buffer.patchLength(at: start &+ 2, from: start)
        case let .experimenter(id, body):
            buffer.writeOpaqueTLV(type: type, experimenter: id, body)
        case let .unknown(_, body):
            buffer.writeOpaqueTLV(type: type, body)
        }
    }

    /// Decodes one instruction; `reader` holds exactly its bytes. The action
    /// lists of write/apply-actions go through `actions`, so that validation
    /// can run this same decoder without building them.
    @inline(__always)  // so the action-list closure is inlined too
    static func decode(
        from reader: inout WireReader,
        actions: (inout WireReader) throws(OpenFlowDecodingError) -> [Action] = Action.decodeList
    ) throws(OpenFlowDecodingError) -> Instruction {
        let at = reader.offset
        let (type, length) = try reader.fixed(4, "instruction header") { r in (r.get(UInt16.self), r.get(UInt16.self)) }
        func fixed(_ size: UInt16) throws(OpenFlowDecodingError) {
            guard length == size else { throw reader.error("instruction length", .badLength(Int(length)), at: at &+ 2) }
        }
        let instruction: Instruction
        switch InstructionType(rawValue: type) {
        case .gotoTable?:
            try fixed(8)
            instruction = .gotoTable(try reader.integer("goto_table table_id"))
            try reader.skip(3, "goto_table padding")
        case .writeMetadata?:
            try fixed(24)
            try reader.skip(4, "write_metadata padding")
            instruction = .writeMetadata(try reader.integer("metadata"), mask: try reader.integer("metadata_mask"))
        case .writeActions?:
            try reader.skip(4, "actions padding")
            instruction = .writeActions(try actions(&reader))
        case .applyActions?:
            try reader.skip(4, "actions padding")
            instruction = .applyActions(try actions(&reader))
        case .clearActions?:
            try fixed(8)
            try reader.skip(4, "clear_actions padding")
            instruction = .clearActions
        case .meter?:
            try fixed(8)
            instruction = .meter(try reader.integer("meter_id"))
        case .experimenter?:
            instruction = .experimenter(id: try reader.integer("instruction experimenter id"), body: reader.rest())
        case nil:
            instruction = .unknown(type: type, body: reader.rest())
        }
        guard reader.isEmpty else { throw reader.error("instruction trailing bytes", .badLength(Int(length))) }
        return instruction
    }

    static func decodeList(from reader: inout WireReader) throws(OpenFlowDecodingError) -> [Instruction] {
        try reader.elements("instruction", minimum: 4) { (one: inout WireReader) throws(OpenFlowDecodingError) in
            try Instruction.decode(from: &one)
        }
    }

    /// Checks an instruction list that fills `reader` as `decodeList` would,
    /// building no arrays.
    static func validateList(from reader: inout WireReader) throws(OpenFlowDecodingError) {
        try reader.forEachElement("instruction", minimum: 4) { (one: inout WireReader) throws(OpenFlowDecodingError) in
            _ = try Instruction.decode(from: &one) { (actions: inout WireReader) throws(OpenFlowDecodingError) in
                try Action.validateList(from: &actions)
                return []
            }
        }
    }

    static func encodeList(_ instructions: [Instruction], into buffer: inout ByteBuffer) {
        for instruction in instructions { instruction.encode(into: &buffer) }
    }
}
