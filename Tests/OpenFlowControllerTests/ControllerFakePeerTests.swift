import Foundation
import NIOConcurrencyHelpers
import NIOCore
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// Waits for the first event that `pick` accepts, or nil after `seconds`.
func nextEvent<T: Sendable>(_ events: AsyncStream<SwitchEvent>, seconds: Double = 5,
                            _ pick: @escaping @Sendable (SwitchEvent) -> T?) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask {
            for await event in events { if let value = pick(event) { return value } }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

@Suite("Controller over loopback with fake peers", .serialized)
struct ControllerFakePeerTests {
    static func controller(_ logs: LogCapture) -> OpenFlowController {
        var configuration = OpenFlowController.Configuration()
        configuration.port = 0
        configuration.connection.handshakeTimeout = .seconds(1)
        return OpenFlowController(configuration: configuration, logger: logs.logger)
    }

    struct BadPeer: NamedRow {
        var name: String
        var bytes: String
        /// [type, code] of the ERROR the controller must answer with, or nil (just closed).
        var error: [UInt16]?
        /// Words the log line about the close must contain.
        var logSays: String
    }

    static let badPeers: [BadPeer] = [
        BadPeer(name: "HELLO version 1 only", bytes: "01 00 0008 00000005", error: [0, 0], logSays: "no common OpenFlow version"),
        BadPeer(name: "undersized length", bytes: "04 00 0004 00000005", error: [1, 6], logSays: "cannot be resynchronised"),
        BadPeer(name: "FEATURES_REPLY instead of HELLO", bytes: "04 06 0008 00000005", error: [0, 0], logSays: "before HELLO"),
        BadPeer(name: "HTTP garbage (an oversized length that never completes)",
                bytes: Hex.string(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)), error: nil, logSays: "handshake did not finish"),
    ]

    @Test("a bad peer gets a clear error and is closed; a good switch beside it is unaffected", arguments: badPeers)
    func badPeer(peer: BadPeer) async throws {
        let logs = LogCapture()
        let controller = Self.controller(logs)
        let address = try await controller.start()
        let port = try #require(address.port)
        defer { Task { await controller.stop() } }

        let stop = NIOLockedValueBox(false)
        let good = try FakePeer(port: port)
        let goodThread = Thread { good.serveAsSwitch(datapathID: 0xaa) { stop.withLockedValue { $0 } } }
        goodThread.start()
        defer { stop.withLockedValue { $0 = true } }
        let up = await nextEvent(controller.events) { if case let .up(info) = $0 { info.datapathID } else { nil } }
        #expect(up == 0xaa)

        let bad = try FakePeer(port: port)
        bad.write(Wire.buffer(peer.bytes))
        let (reply, closed) = bad.read(until: Date() + 3)
        #expect(closed, "the controller closes a peer it cannot talk to")
        let errors = FakePeer.messages(reply).compactMap { envelope -> [UInt16]? in
            if case let .error(error) = envelope.message { [error.type, error.code] } else { nil }
        }
        #expect(errors == (peer.error.map { [$0] } ?? []))
        let closeLog = logs.all.first { $0.message == "closing switch connection" }
        #expect(closeLog?.metadata["reason"]?.contains(peer.logSays) == true, "log: \(logs.all.map { "\($0.message) \($0.metadata)" })")
        #expect(closeLog?.metadata["peer"]?.contains("127.0.0.1") == true)

        // The good switch still answers: a barrier round trip through the controller.
        try await controller.batch([], on: 0xaa)
        #expect(await controller.connectedSwitches == [0xaa])
    }

    /// A second connection with a connected switch's
    /// datapath id. The connected switch is probed with an echo: if it
    /// answers it keeps the id and the newcomer is closed; if it is silent
    /// (half-open after a restart) the newcomer takes its place. Either way
    /// it is logged, counted and reported as an event.
    @Test("a second connection with a live switch's datapath id is closed; one with a silent switch's replaces it",
          arguments: [true, false])
    func duplicateDatapath(firstAnswers: Bool) async throws {
        let logs = LogCapture()
        let controller = Self.controller(logs)
        let port = try #require(try await controller.start().port)
        defer { Task { await controller.stop() } }
        let stopAll = NIOLockedValueBox(false)
        defer { stopAll.withLockedValue { $0 = true } }
        let firstSilent = NIOLockedValueBox(false)
        let closed = NIOLockedValueBox<[String]>([])
        let dpid: DatapathID = 0x51

        let first = try FakePeer(port: port)
        Thread {
            first.serveAsSwitch(datapathID: dpid) { stopAll.withLockedValue { $0 } || firstSilent.withLockedValue { $0 } }
            closed.withLockedValue { $0.append("first") }
        }.start()
        #expect(await nextEvent(controller.events) { if case let .up(info) = $0 { info.datapathID } else { nil } } == dpid)
        if !firstAnswers {
            // It stops reading: its connection stays open but nothing answers.
            firstSilent.withLockedValue { $0 = true }
            _ = await eventually(3) { closed.withLockedValue { $0 == ["first"] } }
        }

        let second = try FakePeer(port: port)
        Thread {
            second.serveAsSwitch(datapathID: dpid) { stopAll.withLockedValue { $0 } }
            closed.withLockedValue { $0.append("second") }
        }.start()
        let duplicate = await nextEvent(controller.events) { event -> Bool? in
            if case let .duplicateDatapath(id, _, keptFirst) = event, id == dpid { keptFirst } else { nil }
        }
        #expect(duplicate == firstAnswers, "log: \(logs.all.map { "\($0.message) \($0.metadata)" })")
        #expect(controller.statistics.duplicateDatapaths == 1)
        let warning = logs.all.first { $0.level == .warning && $0.message.contains("datapath id") }
        #expect(warning?.metadata["dpid"] == "0000000000000051" && warning?.metadata["peer"] != nil, "\(String(describing: warning))")
        if firstAnswers {
            #expect(await eventually(3) { closed.withLockedValue { $0.contains("second") } }, "the newcomer is closed")
            #expect(!closed.withLockedValue { $0.contains("first") })
        }
        // Whoever kept the id answers the barrier.
        try await controller.batch([], on: dpid)
        #expect(await controller.connectedSwitches == [dpid])
    }

    @Test("many switches at once, each with its own datapath id")
    func manySwitches() async throws {
        let logs = LogCapture()
        let controller = Self.controller(logs)
        let port = try #require(try await controller.start().port)
        defer { Task { await controller.stop() } }
        let stop = NIOLockedValueBox(false)
        defer { stop.withLockedValue { $0 = true } }
        let ids: [DatapathID] = (1...8).map { DatapathID($0) }
        for id in ids {
            let peer = try FakePeer(port: port)
            Thread { peer.serveAsSwitch(datapathID: id) { stop.withLockedValue { $0 } } }.start()
        }
        let seen = NIOLockedValueBox<Set<DatapathID>>([])
        _ = await nextEvent(controller.events, seconds: 10) { event -> Bool? in
            guard case let .up(info) = event else { return nil }
            return seen.withLockedValue { $0.insert(info.datapathID); return $0.count == ids.count ? true : nil }
        }
        #expect(await controller.connectedSwitches == ids)
        for id in ids { try await controller.batch([], on: id) }
        // The flow sync path: an empty switch and an empty wanted table send nothing.
        let report = try await controller.setFlows(FlowTable(), on: 3)
        #expect(report.flowModsSent == 0)
    }

    @Test("a switch that refuses bundles gets its FLOW_MODs one by one, and no bundle again")
    func switchWithoutBundles() async throws {
        let logs = LogCapture()
        var configuration = OpenFlowController.Configuration()
        configuration.port = 0
        let seen = NIOLockedValueBox<[OpenFlowMessage]>([])
        try await withConnectedFakeSwitch(configuration, datapathID: 0x61, logs: logs, received: { envelope in
            switch envelope.message {
            case .flowMod, .experimenter: seen.withLockedValue { $0.append(envelope.message) }
            default: break
            }
        }) { controller, _ in
            let cookies = CookieSpace.swiftplane
            let flows = (1...3).map { n in
                FlowEntry(tableID: 0, priority: 100, match: Match([OXMField(.inPort, UInt64(n))]), cookie: cookies.cookie(UInt64(n)),
                          instructions: [])
            }
            let report = try await controller.setFlows(FlowTable(flows), on: 0x61)
            #expect(report.added == 3)
            #expect(controller.statistics.bundlesRejected == 1)
            #expect(controller.statistics.bundlesCommitted == 0)
            let first = seen.withLockedValue { $0 }
            #expect(first.filter { if case .experimenter = $0 { true } else { false } }.count == 5, "OPEN, three adds, COMMIT")
            #expect(first.filter { if case .flowMod = $0 { true } else { false } }.count == 3, "then the three one by one")
            #expect(logs.all.contains { $0.message.contains("switch refused bundles") })

            seen.withLockedValue { $0 = [] }
            let more = (4...5).map { n in
                FlowEntry(tableID: 0, priority: 100, match: Match([OXMField(.inPort, UInt64(n))]), cookie: cookies.cookie(UInt64(n)),
                          instructions: [])
            }
            let second = try await controller.setFlows(FlowTable(flows + more), on: 0x61)
            #expect(second.added == 2)
            let after = seen.withLockedValue { $0 }
            #expect(after.allSatisfy { if case .flowMod = $0 { true } else { false } } && after.count == 2, "\(after)")
            #expect(controller.statistics.bundlesRejected == 1)
        }
    }

    @Test("a consumer that does not read packet-ins: the oldest beyond the buffer are dropped and counted")
    func slowConsumer() async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.port = 0
        configuration.packetInBuffer = 4
        let controller = OpenFlowController(configuration: configuration, logger: LogCapture().logger)
        let port = try #require(try await controller.start().port)
        defer { Task { await controller.stop() } }
        let stop = NIOLockedValueBox(false)
        defer { stop.withLockedValue { $0 = true } }
        let peer = try FakePeer(port: port)
        Thread { peer.serveAsSwitch(datapathID: 0x51) { stop.withLockedValue { $0 } } }.start()
        _ = await nextEvent(controller.events) { if case .up = $0 { true } else { nil } }
        // 20 PACKET_INs, in_port 3, with a 4-byte frame whose last byte numbers it.
        for n in 0..<20 {
            peer.write(Wire.message(type: 10, xid: 0, body: "ffffffff 0004 00 00 0000000000000000 0001 000c 80000004 00000003 00000000 0000"
                + "aabbcc" + Wire.hex(UInt64(n), bytes: 1)))
        }
        // A barrier round trip after them: all 20 were read by then.
        try await controller.batch([], on: 0x51)
        #expect(controller.statistics.packetInsDropped == 16)
        var kept: [UInt8] = []
        for await event in controller.packetIns {
            #expect(event.packetIn.inPort == 3)
            kept.append(event.packetIn.data.readableBytesView.last ?? 0)
            if kept.count == 4 { break }
        }
        #expect(kept == [16, 17, 18, 19], "the newest are kept")
        withExtendedLifetime(peer) {}
    }

    @Test("a dead switch is dropped by the echo keepalive; down is reported")
    func deadSwitch() async throws {
        let logs = LogCapture()
        var configuration = OpenFlowController.Configuration()
        configuration.port = 0
        configuration.connection.echoInterval = .milliseconds(200)
        configuration.connection.echoTimeout = .milliseconds(400)
        let controller = OpenFlowController(configuration: configuration, logger: logs.logger)
        let port = try #require(try await controller.start().port)
        defer { Task { await controller.stop() } }
        // Handshake by hand, then go silent (no echo replies).
        let peer = try FakePeer(port: port)
        let stopAfterReady = NIOLockedValueBox(false)
        Thread { peer.serveAsSwitch(datapathID: 0xdead) { stopAfterReady.withLockedValue { $0 } } }.start()
        _ = await nextEvent(controller.events) { if case .up = $0 { true } else { nil } }
        stopAfterReady.withLockedValue { $0 = true }
        let down = await nextEvent(controller.events, seconds: 5) { event -> String? in
            if case let .down(id, reason) = event, id == 0xdead { reason } else { nil }
        }
        #expect(down == "no answer to echo request")
        withExtendedLifetime(peer) {}
    }
}
