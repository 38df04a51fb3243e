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
        self.init(cookie: cookie, cookieMask: cookieMask, tableID: tableID, command: command.rawValue, idleTimeout: idleTimeout,
                  hardTimeout: hardTimeout, priority: priority, bufferID: bufferID, outPort: outPort, outGroup: outGroup,
                  flags: flags, match: match, instructionList: InstructionList(instructions))
    }

    /// A FLOW_MOD whose instructions are already packed (a controller's
    /// shadow of its flows): they are copied into the message as they are.
    public init(cookie: UInt64 = 0, cookieMask: UInt64 = 0, tableID: UInt8 = 0, command: Command = .add,
                idleTimeout: UInt16 = 0, hardTimeout: UInt16 = 0, priority: UInt16 = 0x8000, flags: Flags = [],
                match: Match, instructions: PackedInstructions) {
        self.init(cookie: cookie, cookieMask: cookieMask, tableID: tableID, command: command.rawValue, idleTimeout: idleTimeout,
                  hardTimeout: hardTimeout, priority: priority, bufferID: PacketIn.noBuffer, outPort: OpenFlowPort.any,
                  outGroup: FlowMod.anyGroup, flags: flags, match: match, instructionList: InstructionList(instructions))
    }

    public var commandValue: Command? { Command(rawValue: command) }

    func encode(into buffer: inout ByteBuffer) {
        // A built FLOW_MOD of fixed-size parts (every overlay flow) goes out in one block.
        if let instructions = instructionList.fixedSize {
            buffer.writeFixed(40 &+ match.encodedSize &+ instructions) { w in
                writeFixedFields(&w)
                match.write(&w)
                instructionList.write(&w)
            }
            return
        }
        buffer.writeFixed(40) { w in writeFixedFields(&w) }
        match.encode(into: &buffer)
        instructionList.encode(into: &buffer)
    }

    private func writeFixedFields(_ w: inout FixedWriter) {
        w.put(cookie); w.put(cookieMask); w.put(tableID); w.put(command); w.put(idleTimeout); w.put(hardTimeout)
        w.put(priority); w.put(bufferID); w.put(outPort); w.put(outGroup); w.put(flags.rawValue); w.zeros(2)
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> FlowMod {
        // Built once from locals: a default FlowMod filled in field by field
        // cost an empty match and list made, copied and dropped per message.
        let fixed = try reader.fixed(40, "flow_mod fixed fields") { r in
            (cookie: r.get(UInt64.self), cookieMask: r.get(UInt64.self), tableID: r.get(UInt8.self), command: r.get(UInt8.self),
             idleTimeout: r.get(UInt16.self), hardTimeout: r.get(UInt16.self), priority: r.get(UInt16.self),
             bufferID: r.get(UInt32.self), outPort: r.get(UInt32.self), outGroup: r.get(UInt32.self), flags: r.get(UInt16.self))
        }
        let match = try Match.decode(from: &reader)
        let instructions = try InstructionList.decode(from: &reader)
        return FlowMod(cookie: fixed.cookie, cookieMask: fixed.cookieMask, tableID: fixed.tableID, command: fixed.command,
                       idleTimeout: fixed.idleTimeout, hardTimeout: fixed.hardTimeout, priority: fixed.priority,
                       bufferID: fixed.bufferID, outPort: fixed.outPort, outGroup: fixed.outGroup,
                       flags: Flags(rawValue: fixed.flags), match: match, instructionList: instructions)
    }

    private init(cookie: UInt64, cookieMask: UInt64, tableID: UInt8, command: UInt8, idleTimeout: UInt16, hardTimeout: UInt16,
                 priority: UInt16, bufferID: UInt32, outPort: UInt32, outGroup: UInt32, flags: Flags, match: Match,
                 instructionList: InstructionList) {
        self.cookie = cookie
        self.cookieMask = cookieMask
        self.tableID = tableID
        self.command = command
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.priority = priority
        self.bufferID = bufferID
        self.outPort = outPort
        self.outGroup = outGroup
        self.flags = flags
        self.match = match
        self.instructionList = instructionList
    }
}
