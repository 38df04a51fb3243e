import NIOCore

/// A FLOW_MOD's instructions. A decoded FLOW_MOD keeps them as a slice of the
/// message, checked in full when it was decoded (every instruction and action
/// decodes, so reading them back cannot fail), and builds the arrays only when
/// they are read: an emulated switch or a proxy that forwards or counts
/// FLOW_MODs decodes one without allocating. A built FLOW_MOD holds the values.
struct InstructionList: Sendable {
    private enum Storage: Sendable {
        case values([Instruction])
        /// Validated instruction TLVs.
        case wire(ByteBuffer)
        /// Encoded by `PackedInstructions`: written out as they are.
        case packed(ArraySlice<UInt8>)
    }

    private var storage: Storage

    init(_ values: [Instruction]) { storage = .values(values) }

    init(_ packed: PackedInstructions) { storage = .packed(packed.bytes) }

    /// The instructions; from wire bytes, decoded anew on every read.
    var values: [Instruction] {
        // Validated at decode, so this cannot fail (`roundTrip` checks it); give nothing if it did.
        (try? decoded()) ?? []
    }

    func decoded() throws(OpenFlowDecodingError) -> [Instruction] {
        switch storage {
        case let .values(values):
            return values
        case let .wire(bytes):
            return try WireReader.with(bytes) { (reader: inout WireReader) throws(OpenFlowDecodingError) in
                try Instruction.decodeList(from: &reader)
            }
        case let .packed(bytes):
            return PackedInstructions(unchecked: bytes).values
        }
    }

    /// Writes the instructions from their values, so that re-encoding a decoded
    /// message goes through the same encoders as a built one.
    func encode(into buffer: inout ByteBuffer) {
        Instruction.encodeList(values, into: &buffer)
    }

    /// The wire size of built instructions that all have a fixed size: the
    /// FLOW_MOD is then written in one block (one capacity check, no length
    /// patched afterwards). Nil for decoded ones and opaque instructions.
    var fixedSize: Int? {
        if case let .packed(bytes) = storage { return bytes.count }
        guard case let .values(values) = storage else { return nil }
        var size = 0
        for instruction in values {
            guard let s = instruction.fixedSize else { return nil }
            size &+= s
        }
        return size
    }

    /// Writes what `fixedSize` measured.
    func write(_ w: inout FixedWriter) {
        if case let .packed(bytes) = storage { w.bytes(bytes); return }
        guard case let .values(values) = storage else { return }
        for instruction in values {
            if let size = instruction.fixedSize { instruction.write(&w, size: size) }
        }
    }

    /// Validates the list that fills `reader` (errors name the offset in the
    /// message) and keeps its bytes.
    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> InstructionList {
        var check = reader
        try Instruction.validateList(from: &check)
        return InstructionList(storage: .wire(reader.rest()))
    }

    private init(storage: Storage) { self.storage = storage }
}

extension InstructionList: Hashable {
    static func == (lhs: InstructionList, rhs: InstructionList) -> Bool {
        if case let .wire(left) = lhs.storage, case let .wire(right) = rhs.storage, left == right { return true }
        if case let .packed(left) = lhs.storage, case let .packed(right) = rhs.storage, left == right { return true }
        return lhs.values == rhs.values
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(values)
    }
}
