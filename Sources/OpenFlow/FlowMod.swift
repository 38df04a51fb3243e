import NIOCore

/// OFPT_FLOW_MOD.
public struct FlowMod: Sendable, Hashable, WireCodable {
    /// OFPFC_* commands.
    public enum Command: UInt8, Sendable, Hashable {
        case add = 0, modify, modifyStrict, delete, deleteStrict
    }

    /// OFPFF_* flags.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let sendFlowRemoved = Flags(rawValue: 1 << 0)
        public static let checkOverlap = Flags(rawValue: 1 << 1)
        public static let resetCounts = Flags(rawValue: 1 << 2)
        public static let noPacketCounts = Flags(rawValue: 1 << 3)
        public static let noByteCounts = Flags(rawValue: 1 << 4)
    }

    public var cookie: UInt64
    public var cookieMask: UInt64
    public var tableID: UInt8
    /// Raw command byte so an out-of-range command still round-trips; see `commandValue`.
    public var command: UInt8
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var priority: UInt16
    public var bufferID: UInt32
    public var outPort: UInt32
    public var outGroup: UInt32
    public var flags: Flags
    public var match: Match
    /// On a decoded FLOW_MOD, built from the message's bytes on each read
    /// (see `InstructionList`): read it once.
    public var instructions: [Instruction] {
        get { instructionList.values }
        set { instructionList = InstructionList(newValue) }
    }
    var instructionList: InstructionList

    public static let allTables: UInt8 = 0xff
    public static let anyGroup: UInt32 = 0xffff_ffff

    public init(cookie: UInt64 = 0, cookieMask: UInt64 = 0, tableID: UInt8 = 0, command: Command = .add,
                idleTimeout: UInt16 = 0, hardTimeout: UInt16 = 0, priority: UInt16 = 0x8000,
                bufferID: UInt32 = PacketIn.noBuffer, outPort: UInt32 = OpenFlowPort.any,
                outGroup: UInt32 = FlowMod.anyGroup, flags: Flags = [], match: Match = Match(),
                instructions: [Instruction] = []) {
        self.cookie = cookie
        self.cookieMask = cookieMask
        self.tableID = tableID
        self.command = command.rawValue
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.priority = priority
        self.bufferID = bufferID
        self.outPort = outPort
        self.outGroup = outGroup
        self.flags = flags
        self.match = match
        self.instructionList = InstructionList(instructions)
    }

    public var commandValue: Command? { Command(rawValue: command) }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeFixed(40) { w in
            w.put(cookie); w.put(cookieMask); w.put(tableID); w.put(command); w.put(idleTimeout); w.put(hardTimeout)
            w.put(priority); w.put(bufferID); w.put(outPort); w.put(outGroup); w.put(flags.rawValue); w.zeros(2)
        }
        match.encode(into: &buffer)
        instructionList.encode(into: &buffer)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowMod {
        var flowMod = FlowMod()
        try reader.fixed(40, "flow_mod fixed fields") { r in
            flowMod.cookie = r.get()
            flowMod.cookieMask = r.get()
            flowMod.tableID = r.get()
            flowMod.command = r.get()
            flowMod.idleTimeout = r.get()
            flowMod.hardTimeout = r.get()
            flowMod.priority = r.get()
            flowMod.bufferID = r.get()
            flowMod.outPort = r.get()
            flowMod.outGroup = r.get()
            flowMod.flags = Flags(rawValue: r.get())
        }
        flowMod.match = try Match.decode(from: &reader)
        flowMod.instructionList = try InstructionList.decode(from: &reader)
        return flowMod
    }
}
