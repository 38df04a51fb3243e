import NIOCore
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

@Suite("SwitchConnection: handshake, keepalive, requests, malformed input")
struct SwitchConnectionTests {
    struct HelloVector: NamedRow {
        var name: String
        var bytes: String
        /// nil: negotiation succeeds (a FEATURES_REQUEST goes out).
        var errorVersion: UInt8?
    }

    static let hellos: [HelloVector] = [
        HelloVector(name: "1.3 without bitmap", bytes: "04 00 0008 00000011", errorVersion: nil),
        HelloVector(name: "OVS 3.1: version 6 without bitmap", bytes: "06 00 0008 00000011", errorVersion: nil),
        HelloVector(name: "version 6 with bitmap 1.0,1.3,1.5", bytes: "06 00 0010 00000011 0001 0008 00000052", errorVersion: nil),
        HelloVector(name: "1.0 only", bytes: "01 00 0008 00000011", errorVersion: 1),
        HelloVector(name: "version 6 with bitmap 1.0,1.4 (no 1.3)", bytes: "06 00 0010 00000011 0001 0008 00000022", errorVersion: 4),
        HelloVector(name: "1.2 with bitmap 1.1,1.2", bytes: "03 00 0010 00000011 0001 0008 0000000c", errorVersion: 3),
    ]

    @Test("HELLO negotiation", arguments: hellos)
    func negotiate(vector: HelloVector) throws {
        var connection = SwitchConnection()
        let start = Outputs(connection.start(now: .uptimeNanoseconds(0)))
        // Our HELLO: version 4 with a bitmap holding only bit 4.
        #expect(start.sent.count == 1)
        let ours = try #require(start.sent.first)
        #expect(Hex.string(try ours.encoded().readableBytesView) == "040000100000000100010008" + "00000010")
        let out = Outputs(connection.receive(Wire.buffer(vector.bytes), now: .uptimeNanoseconds(1)))
        if let version = vector.errorVersion {
            #expect(out.errors == [[0, 0]], "HELLO_FAILED / INCOMPATIBLE")
            #expect(out.sent.first?.version == version)
            #expect(out.sent.first?.xid == 0x11)
            guard case .incompatibleVersion = out.closed else {
                Issue.record("expected a close for an incompatible version, got \(String(describing: out.closed))")
                return
            }
            #expect(connection.state == .closed)
        } else {
            #expect(out.sentTypes == [5], "FEATURES_REQUEST")
            #expect(out.closed == nil)
            #expect(connection.state == .awaitingFeatures)
        }
    }

    @Test("handshake: FEATURES, SET_CONFIG, PORT_DESC in two parts, then ready")
    func handshake() throws {
        var driver = HandshakeDriver()
        _ = driver.connection.start(now: driver.now)
        let afterHello = driver.feed(Wire.message(type: 0, xid: 1))
        #expect(afterHello.sentTypes == [5])
        let afterFeatures = driver.feed(Wire.message(type: 6, xid: afterHello.sent[0].xid, body: Wire.featuresBody(dpid: 0x1234)))
        #expect(afterFeatures.sentTypes == [9, 18], "SET_CONFIG then MULTIPART_REQUEST")
        guard case let .setConfig(config) = afterFeatures.sent[0].message else { throw Failure("no SET_CONFIG") }
        #expect(config.missSendLength == 0xffff)
        let portsXID = afterFeatures.sent[1].xid
        let part1 = driver.feed(Wire.message(type: 19, xid: portsXID, body: Wire.portDescReply(more: true, ports: [Wire.port(1, name: "p1")])))
        #expect(part1.events.isEmpty, "not ready before the last part")
        let part2 = driver.feed(Wire.message(type: 19, xid: portsXID, body: Wire.portDescReply(more: false, ports: [Wire.port(7, name: "p7")])))
        guard case let .ready(features, ports) = part2.events.first else { throw Failure("not ready: \(part2.events)") }
        #expect(features.datapathID == 0x1234)
        #expect(ports.map(\.portNo) == [1, 7])
        #expect(ports.map(\.name) == ["p1", "p7"])
        #expect(driver.connection.state == .ready)
    }

    @Test("ROLE_REQUEST when configured; ready only after its reply")
    func role() throws {
        var configuration = SwitchConnection.Configuration()
        configuration.role = 2
        configuration.generationID = 9
        var driver = HandshakeDriver(configuration: configuration)
        _ = driver.connection.start(now: driver.now)
        let afterHello = driver.feed(Wire.message(type: 0, xid: 1))
        let afterFeatures = driver.feed(Wire.message(type: 6, xid: afterHello.sent[0].xid, body: Wire.featuresBody(dpid: 1)))
        #expect(afterFeatures.sentTypes == [9, 18, 24])
        let ports = driver.feed(Wire.message(type: 19, xid: afterFeatures.sent[1].xid, body: Wire.portDescReply(more: false, ports: [])))
        #expect(ports.events.isEmpty)
        let roleXID = afterFeatures.sent[2].xid
        #expect(Hex.string(try afterFeatures.sent[2].encoded().readableBytesView).hasSuffix("00000002" + "00000000" + "0000000000000009"))
        let reply = driver.feed(Wire.message(type: 25, xid: roleXID, body: "00000002 00000000 0000000000000009"))
        guard case .ready = reply.events.first else { throw Failure("not ready after ROLE_REPLY") }
    }

    @Test("echo request from the switch is answered at once with its xid and data")
    func echoAnswered() {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let out = driver.feed(Wire.message(type: 2, xid: 0x77, body: "cafe"))
        #expect(out.sent.count == 1)
        #expect(out.sent.first?.xid == 0x77)
        #expect(out.sent.first?.message == .echoReply(Wire.buffer("cafe")))
    }

    @Test("own keepalive: echo after an idle interval, close when nothing comes back")
    func keepalive() {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let t0 = driver.now
        #expect(Outputs(driver.connection.tick(now: t0 + .seconds(4))).sent.isEmpty)
        let echo = Outputs(driver.connection.tick(now: t0 + .seconds(5)))
        #expect(echo.sentTypes == [2])
        // A reply (any message) keeps the switch alive.
        _ = Outputs(driver.connection.receive(Wire.message(type: 3, xid: echo.sent.first?.xid ?? 0), now: t0 + .seconds(6)))
        #expect(Outputs(driver.connection.tick(now: t0 + .seconds(9))).sent.isEmpty)
        let again = Outputs(driver.connection.tick(now: t0 + .seconds(11)))
        #expect(again.sentTypes == [2])
        #expect(Outputs(driver.connection.tick(now: t0 + .seconds(20))).closed == nil)
        #expect(Outputs(driver.connection.tick(now: t0 + .seconds(22))).closed == .echoTimeout)
    }

    @Test("a switch that never finishes the handshake is dropped")
    func handshakeTimeout() {
        var connection = SwitchConnection()
        _ = connection.start(now: .uptimeNanoseconds(0))
        #expect(Outputs(connection.tick(now: .uptimeNanoseconds(0) + .seconds(9))).closed == nil)
        #expect(Outputs(connection.tick(now: .uptimeNanoseconds(0) + .seconds(11))).closed == .handshakeTimeout)
    }

    struct MalformedVector: NamedRow {
        var name: String
        var bytes: String
        /// [type, code] of the ERROR we must send, or nil for none.
        var error: [UInt16]?
        var closes: Bool
    }

    static let malformed: [MalformedVector] = [
        MalformedVector(name: "length below the header", bytes: "04 0a 0004 00000009", error: [1, 6], closes: true),
        MalformedVector(name: "length zero", bytes: "04 00 0000 00000009 ffffffff", error: [1, 6], closes: true),
        MalformedVector(name: "1.0 message after settling on 1.3", bytes: "01 0a 0008 00000009", error: [1, 0], closes: false),
        MalformedVector(name: "FEATURES_REPLY body cut short", bytes: "04 06 0010 00000009 0000000000000001", error: [1, 6], closes: false),
        MalformedVector(name: "PACKET_IN match length beyond the body", bytes: "04 0a 0020 00000009 ffffffff 0040 00 00 0000000000000000 0001 0040 00000000",
                        error: [1, 6], closes: false),
        MalformedVector(name: "unknown message type 99", bytes: "04 63 0008 00000009", error: [1, 1], closes: false),
        MalformedVector(name: "reply nobody asked for", bytes: "04 15 0008 00000009", error: nil, closes: false),
    ]

    @Test("malformed input from a ready switch", arguments: malformed)
    func malformedInput(vector: MalformedVector) {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let out = driver.feed(Wire.buffer(vector.bytes))
        #expect(out.errors == (vector.error.map { [$0] } ?? []))
        if let sent = out.sent.first, vector.error != nil {
            #expect(sent.xid == 9, "the ERROR carries the offending xid")
            if case let .error(error) = sent.message {
                #expect(Array(error.data.readableBytesView.prefix(8)) == Array((Hex.bytes(vector.bytes) ?? []).prefix(8)),
                        "the ERROR data starts with the offending message")
            }
        }
        #expect((out.closed != nil) == vector.closes)
        if !vector.closes {
            // The stream resynchronises: the next message is still understood.
            let echo = driver.feed(Wire.message(type: 2, xid: 10))
            #expect(echo.sentTypes == [3])
        }
    }

    @Test("byte-at-a-time delivery gives the same result")
    func chunked() {
        var driver = HandshakeDriver()
        _ = driver.ready()
        var sent: [OpenFlowEnvelope] = []
        for byte in (Hex.bytes("04 02 000a 00000005 abcd 04 02 0008 00000006") ?? []) {
            sent += driver.feed(ByteBuffer(bytes: [byte])).sent
        }
        #expect(sent.map(\.xid) == [5, 6])
    }

    @Test("multipart reply in parts is one answer; ERRORs go to their request")
    func requests() throws {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let (flowsXID, flowsOut) = driver.connection.request(.multipartRequest(MultipartRequest(.desc)))
        #expect(Outputs(flowsOut).sentTypes == [18])
        let (otherXID, _) = driver.connection.request(.getConfigRequest)
        // OFPMP_FLOW replies: an empty part with REPLY_MORE, then an empty final part.
        #expect(driver.feed(Wire.message(type: 19, xid: flowsXID, body: "0001 0001 00000000")).completed.isEmpty)
        let done = driver.feed(Wire.message(type: 19, xid: flowsXID, body: "0001 0000 00000000"))
        #expect(done.completed.count == 1)
        #expect(done.completed.first?.xid == flowsXID)
        #expect((try done.completed.first?.result.get())?.count == 2)
        let (echoXID, _) = driver.connection.request(.echoRequest(Wire.buffer("0102")))
        let echoed = driver.feed(Wire.message(type: 3, xid: echoXID, body: "0102"))
        #expect(echoed.completed.map(\.xid) == [echoXID], "an application echo gets its reply")
        let failed = driver.feed(Wire.message(type: 1, xid: otherXID, body: "0001 0001"))
        guard case let .failure(.rejected(error))? = failed.completed.first?.result else { throw Failure("error not routed") }
        #expect([error.type, error.code] == [1, 1])
    }

    /// The parts of a multipart reply are kept only up to
    /// a bound; a switch whose reply never ends gets an ERROR and is closed
    /// (its pending request fails) instead of growing the controller.
    @Test("a multipart reply past 64 MiB: ERROR MULTIPART_BUFFER_OVERFLOW, the request fails, the connection closes")
    func endlessMultipartReply() throws {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let (xid, _) = driver.connection.request(.multipartRequest(MultipartRequest(.desc)))
        // Parts of a type we do not decode (kept as bytes), 65,000 bytes each, all with REPLY_MORE.
        let part = Wire.message(type: 19, xid: xid, body: "fffe 0001 00000000" + String(repeating: "00", count: 65_000))
        var last = Outputs([])
        var parts = 0
        while last.closed == nil, parts < 2_000 {
            last = driver.feed(part)
            parts += 1
        }
        #expect(last.closed != nil, "still open after \(parts) parts")
        #expect(parts == (64 << 20) / part.readableBytes + 1, "closed at part \(parts)")
        #expect(last.errors == [[1, 13]], "OFPET_BAD_REQUEST / OFPBRC_MULTIPART_BUFFER_OVERFLOW")
        guard case .failure? = last.completed.first(where: { $0.xid == xid })?.result else {
            throw Failure("the request did not fail: \(last.completed)")
        }
        #expect(driver.connection.state == .closed)
    }

    @Test("a batch is confirmed by its barrier, with the ERRORs its members got")
    func batch() throws {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let mods: [OpenFlowMessage] = [.flowMod(FlowMod(priority: 1)), .flowMod(FlowMod(priority: 2)), .flowMod(FlowMod(priority: 3))]
        let (barrier, out) = driver.connection.batch(mods)
        let sent = Outputs(out).sent
        #expect(sent.map(\.message.type) == [14, 14, 14, 20])
        #expect(sent.last?.xid == barrier)
        #expect(driver.feed(Wire.message(type: 1, xid: sent[1].xid, body: "0005 0000")).completed.isEmpty)
        let done = driver.feed(Wire.message(type: 21, xid: barrier))
        guard case let .failure(.batchRejected(errors))? = done.completed.first?.result else { throw Failure("no batch failure") }
        // The second message (index 1) got the ERROR; the others were applied.
        #expect(errors.map { [$0.index, Int($0.error.type), Int($0.error.code)] } == [[1, 5, 0]])
        let (clean, _) = driver.connection.batch(mods)
        #expect((try driver.feed(Wire.message(type: 21, xid: clean)).completed.first?.result.get()) != nil)
        #expect(driver.connection.pendingRequests == 0, "members are forgotten with their barrier")
    }

    /// A BUNDLE_CONTROL reply of the ONF extension (experimenter 0x4f4e4600, type 2300).
    static func bundleReply(_ type: BundleControlType, bundleID: UInt32 = 1) -> String {
        "4f4e4600 000008fc " + String(format: "%08x %04x 0003", bundleID, type.rawValue)
    }

    @Test("a bundled batch: OPEN, the messages added, COMMIT, BARRIER; the replies are taken, an ERROR rejects it whole")
    func bundledBatch() throws {
        var driver = HandshakeDriver()
        _ = driver.ready()
        let mods: [OpenFlowMessage] = [.flowMod(FlowMod(priority: 1)), .flowMod(FlowMod(priority: 2))]
        let first = driver.connection.bundledBatch(mods)
        let (barrier, out) = try #require(first)
        let sent = Outputs(out).sent
        #expect(sent.map(\.message.type) == [4, 4, 4, 4, 20], "four experimenter messages, then the barrier")
        var controls: [BundleControlType] = []
        var added: [OpenFlowMessage] = []
        for envelope in sent.dropLast() {
            guard case let .experimenter(message) = envelope.message else { throw Failure("not an experimenter message") }
            if let control = try BundleControl(message) {
                #expect(control.bundleID == 1 && control.flags == [.atomic, .ordered])
                controls.append(control.type)
            } else if let (xid, add) = try BundleAdd.decode(message) {
                #expect(xid == envelope.xid, "the bundled message has the outer xid")
                #expect(add.bundleID == 1)
                added.append(add.message)
            }
        }
        #expect(controls == [.openRequest, .commitRequest])
        #expect(added == mods)
        // The switch answers the OPEN and the COMMIT, then the barrier: the batch is done.
        #expect(driver.feed(Wire.message(type: 4, xid: sent[0].xid, body: Self.bundleReply(.openReply))).isQuiet)
        #expect(driver.feed(Wire.message(type: 4, xid: sent[3].xid, body: Self.bundleReply(.commitReply))).isQuiet)
        #expect((try driver.feed(Wire.message(type: 21, xid: barrier)).completed.first?.result.get()) != nil)
        #expect(driver.connection.pendingRequests == 0)

        // A refused message (OFPET_BAD_MATCH on the second add) and the failed commit: rejected whole.
        let secondBatch = driver.connection.bundledBatch(mods)
        let (second, again) = try #require(secondBatch)
        let parts = Outputs(again).sent
        _ = driver.feed(Wire.message(type: 4, xid: parts[0].xid, body: Self.bundleReply(.openReply, bundleID: 2)))
        _ = driver.feed(Wire.message(type: 1, xid: parts[2].xid, body: "0004 0000"))
        _ = driver.feed(Wire.message(type: 1, xid: parts[3].xid, body: "ffff 08fc 4f4e4600"))
        let done = driver.feed(Wire.message(type: 21, xid: second))
        guard case let .failure(.batchRejected(errors))? = done.completed.first?.result else { throw Failure("no batch failure") }
        #expect(errors.map(\.index) == [1, 2], "the add's index, and the commit's (after the messages)")
        #expect(driver.connection.pendingRequests == 0)

        // A switch without bundles refuses the OPEN: index -1.
        let thirdBatch = driver.connection.bundledBatch(mods)
        let (third, refused) = try #require(thirdBatch)
        _ = driver.feed(Wire.message(type: 1, xid: Outputs(refused).sent[0].xid, body: "0001 0003"))
        guard case let .failure(.batchRejected(openErrors))? = driver.feed(Wire.message(type: 21, xid: third)).completed.first?.result
        else { throw Failure("no batch failure") }
        #expect(openErrors.map(\.index) == [-1])
    }

    @Test("pending requests fail when the switch goes away; nothing is sent before ready")
    func disconnect() throws {
        var early = SwitchConnection()
        _ = early.start(now: .uptimeNanoseconds(0))
        let (_, refused) = early.request(.barrierRequest)
        guard case .failure(.notConnected)? = Outputs(refused).completed.first?.result else { throw Failure("sent before ready") }
        var driver = HandshakeDriver()
        _ = driver.ready()
        let (xid, _) = driver.connection.request(.barrierRequest)
        let out = Outputs(driver.connection.peerClosed())
        #expect(out.completed.map(\.xid) == [xid])
        guard case .failure(.disconnected)? = out.completed.first?.result else { throw Failure("not failed") }
        #expect(out.closed == .peerClosed)
    }

    @Test("port status updates the port list and is reported")
    func portStatus() throws {
        var driver = HandshakeDriver()
        _ = driver.ready()
        #expect(driver.connection.ports.keys.sorted() == [1, 2, 0xffff_fffe])
        let deleted = driver.feed(Wire.message(type: 12, xid: 0, body: "01 00000000000000" + Wire.port(2, name: "b")))
        guard case let .portStatus(status)? = deleted.events.first else { throw Failure("no event") }
        #expect(status.reason == .delete)
        #expect(driver.connection.ports.keys.sorted() == [1, 0xffff_fffe])
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
