import NIOCore
import OpenFlow

/// One emulated OpenFlow 1.3 switch, sans-I/O: fed the controller's bytes, it
/// appends its answers to an output buffer. It answers the handshake and the
/// housekeeping requests a controller makes, and generates PACKET_INs whose
/// frame carries a sequence number, so the PACKET_OUT that echoes the frame
/// back tells which packet-in it answers and how long it took.
struct EmulatedSwitch {
    struct Statistics: Sendable {
        var packetInsSent = 0
        /// PACKET_OUTs matched to an outstanding packet-in.
        var responses = 0
        var flowMods = 0
        /// Packet-ins given up after `lossTimeout` without an answer.
        var lost = 0
        /// OFPT_ERROR received, malformed or unmatched messages.
        var errors = 0
        var latencies = LatencySample()
    }

    /// Outstanding packet-ins older than this are counted lost, so a
    /// dropped message cannot stall a window forever.
    static let lossTimeout: UInt64 = 1_000_000_000
    /// Frames carry this local-experimental ethertype so no controller tries
    /// to parse the payload as IP.
    static let etherType: UInt16 = 0x88b5
    static let hostCount = 8

    let datapathID: DatapathID
    let portCount: UInt32
    private(set) var statistics = Statistics()
    /// True once the features reply went out: the controller knows us.
    private(set) var isReady = false
    private var decoder = OpenFlowMessageDecoder()
    private var random: SplitMix64
    private var window = 0
    private var sending = false
    private var nextSequence: UInt32 = 0
    private var slots: [Slot]
    private var outstanding = 0
    private var matches: [Match]
    /// The frame being built; reused, since the PACKET_IN is encoded (copied) at once.
    private var scratchFrame = ByteBuffer()

    private struct Slot { var sequence: UInt32 = 0; var sentAt: UInt64 = 0; var live = false }

    init(datapathID: DatapathID, portCount: UInt32 = 8, maximumWindow: Int, seed: UInt64) {
        self.datapathID = datapathID
        self.portCount = max(1, portCount)
        random = SplitMix64(seed: seed ^ datapathID.rawValue)
        // A power of two above the window: a slot is reused only after its
        // packet-in was answered or given up.
        var capacity = 1
        while capacity < max(1, maximumWindow) &* 2 { capacity &*= 2 }
        slots = Array(repeating: Slot(), count: capacity)
        matches = (1...self.portCount).map { Match([OXMField(.inPort, UInt64($0))]) }
    }

    /// The opening HELLO.
    func start(into out: inout ByteBuffer) {
        Self.write(OpenFlowEnvelope(xid: 1, .hello(Hello(versions: [OpenFlowEnvelope.version13]))), into: &out)
    }

    /// Starts a measurement: keep `window` packet-ins outstanding.
    mutating func begin(window: Int, now: UInt64, into out: inout ByteBuffer) {
        statistics = Statistics()
        self.window = max(1, min(window, slots.count / 2))
        sending = true
        refill(now: now, into: &out)
    }

    /// Ends a measurement; answers still in flight are not counted.
    mutating func end() -> Statistics {
        sending = false
        for index in slots.indices { slots[index].live = false }
        outstanding = 0
        return statistics
    }

    /// Takes the controller's bytes: answers its requests into `out` and
    /// times the PACKET_OUTs (`now`: when they were read). New packet-ins
    /// wait for `refill`.
    mutating func receive(_ bytes: ByteBuffer, now: UInt64, into out: inout ByteBuffer) {
        decoder.append(bytes)
        while true {
            let frame: ByteBuffer?
            do { frame = try decoder.nextFrame() } catch {
                // Framing is lost for good: count it and drop what is buffered.
                statistics.errors &+= 1
                decoder = OpenFlowMessageDecoder()
                return
            }
            guard let frame, let header = OpenFlowHeader.peek(frame) else { break }
            handle(frame, header, now: now, into: &out)
        }
    }

    /// Gives up on packet-ins that waited too long and sends replacements.
    mutating func tick(now: UInt64, into out: inout ByteBuffer) {
        guard outstanding > 0 else { return }
        for index in slots.indices where slots[index].live && now &- slots[index].sentAt > Self.lossTimeout {
            slots[index].live = false
            outstanding &-= 1
            statistics.lost &+= 1
        }
        refill(now: now, into: &out)
    }

    private mutating func handle(_ frame: ByteBuffer, _ header: OpenFlowHeader, now: UInt64, into out: inout ByteBuffer) {
        // The hot path reads PACKET_OUT's frame in place: only the sequence is needed.
        if header.type == MessageType.packetOut.rawValue { return packetOut(frame, now: now) }
        if header.type == MessageType.flowMod.rawValue { statistics.flowMods &+= 1; return }
        guard let envelope = try? OpenFlowEnvelope.decode(frame) else { statistics.errors &+= 1; return }
        let xid = envelope.xid
        switch envelope.message {
        case .hello, .setConfig, .echoReply, .barrierReply, .packetOut, .flowMod:
            break
        case let .echoRequest(data):
            Self.write(OpenFlowEnvelope(xid: xid, .echoReply(data)), into: &out)
        case .featuresRequest:
            Self.write(OpenFlowEnvelope(xid: xid, .featuresReply(SwitchFeatures(datapathID: datapathID, nBuffers: 0, nTables: 254,
                                                                                 capabilities: 0x4f))), into: &out)
            isReady = true
        case .getConfigRequest:
            Self.write(OpenFlowEnvelope(xid: xid, .getConfigReply(SwitchConfig(missSendLength: 0xffff))), into: &out)
        case .barrierRequest:
            Self.write(OpenFlowEnvelope(xid: xid, .barrierReply), into: &out)
        case let .roleRequest(role):
            Self.write(OpenFlowEnvelope(xid: xid, .roleReply(role)), into: &out)
        case let .multipartRequest(request):
            if let body = reply(to: request.body) {
                Self.write(OpenFlowEnvelope(xid: xid, .multipartReply(MultipartReply(body))), into: &out)
            }
        case .error:
            statistics.errors &+= 1
        default:
            // Anything else a learning switch would not send: say so, as a switch does.
            Self.write(OpenFlowEnvelope(xid: xid, .error(ErrorMessage(.badRequest(.badType), data: frame))), into: &out)
        }
    }

    private func reply(to body: MultipartRequest.Body) -> MultipartReply.Body? {
        switch body {
        case .portDesc:
            return .portDesc((1...portCount).map { port in
                PortDescription(portNo: port, hardwareAddress: MACAddress(rawValue: 0x0200_0000_0000 | datapathID.rawValue << 8 | UInt64(port & 0xff)),
                                name: FixedString("p\(port)"))
            })
        case .flow: return .flow([])
        case .desc: return .desc(SwitchDescription(manufacturer: "swiftplane", hardware: "emulated", software: "swiftplane-bench",
                                                   serialNumber: "0", datapath: "emulated"))
        default: return nil
        }
    }

    private mutating func packetOut(_ frame: ByteBuffer, now: UInt64) {
        // ofp_packet_out: header 8, buffer_id 4, in_port 4, actions_len 2, pad 6, actions, data.
        let base = frame.readerIndex
        guard let actionsLength = frame.getInteger(at: base &+ 16, as: UInt16.self),
              let ethertype = frame.getInteger(at: base &+ 24 &+ Int(actionsLength) &+ 12, as: UInt16.self),
              ethertype == Self.etherType,
              let sequence = frame.getInteger(at: base &+ 24 &+ Int(actionsLength) &+ 14, as: UInt32.self) else {
            statistics.errors &+= 1
            return
        }
        let index = Int(sequence & UInt32(truncatingIfNeeded: slots.count &- 1))
        guard slots[index].live, slots[index].sequence == sequence else { return } // late, after a loss or a phase end
        slots[index].live = false
        outstanding &-= 1
        statistics.responses &+= 1
        statistics.latencies.record(now &- slots[index].sentAt, random: &random)
    }

    /// Sends packet-ins until `window` are outstanding. `now` is their send
    /// time: call it just before `out` is written.
    mutating func refill(now: UInt64, into out: inout ByteBuffer) {
        guard sending else { return }
        while outstanding < window {
            let index = Int(nextSequence & UInt32(truncatingIfNeeded: slots.count &- 1))
            guard !slots[index].live else { break }
            slots[index] = Slot(sequence: nextSequence, sentAt: now, live: true)
            sendPacketIn(sequence: nextSequence, into: &out)
            nextSequence &+= 1
            outstanding &+= 1
            statistics.packetInsSent &+= 1
        }
    }

    /// A 64..128 byte frame: a destination from a few hosts, a random source
    /// (every fourth frame comes from one of those hosts, so destinations
    /// get learned and the controller installs flows), the sequence number.
    private mutating func sendPacketIn(sequence: UInt32, into out: inout ByteBuffer) {
        let r = random.next()
        let fromHost = r & 3 == 0
        let host = Int((r >> 2) % UInt64(Self.hostCount))
        let destination = Self.hostMAC((host &+ 1) % Self.hostCount)
        let source = fromHost ? Self.hostMAC(host) : 0x0200_0000_0000 | (r >> 16 & 0xff_ffff_ffff)
        let port = fromHost ? UInt32(host) % portCount &+ 1 : UInt32((r >> 8) % UInt64(portCount)) &+ 1
        let length = 64 &+ Int((r >> 56) % 65)
        scratchFrame.clear(minimumCapacity: 128)
        var data = scratchFrame
        scratchFrame = ByteBuffer()  // `data` is the only reference while it is written
        data.writeInteger(UInt16(truncatingIfNeeded: destination >> 32)); data.writeInteger(UInt32(truncatingIfNeeded: destination))
        data.writeInteger(UInt16(truncatingIfNeeded: source >> 32)); data.writeInteger(UInt32(truncatingIfNeeded: source))
        data.writeInteger(Self.etherType)
        data.writeInteger(sequence)
        data.writeRepeatingByte(0, count: length &- 18)
        let packetIn = PacketIn(totalLength: UInt16(length), reason: .noMatch, tableID: 0, cookie: 0,
                                match: matches[Int(port &- 1)], data: data)
        Self.write(OpenFlowEnvelope(xid: 0, .packetIn(packetIn)), into: &out)
        scratchFrame = data
    }

    static func hostMAC(_ host: Int) -> UInt64 { 0x0200_00ff_0000 | UInt64(host & 0xffff) }

    private static func write(_ envelope: OpenFlowEnvelope, into out: inout ByteBuffer) {
        // Our messages are all far below the 64 KiB limit.
        try? envelope.encode(into: &out)
    }
}

/// A small, fast, seeded generator: reproducible loads, no global state.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
