import Foundation
import NIOCore
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// Against real Open vSwitch 3.1 in a private namespace (Tests/Tools/ovs-sandbox).
@Suite("Controller against real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "")))
struct ControllerOVSTests {
    static let ours = CookieSpace.swiftplane
    static let portA: UInt32 = 1
    static let portB: UInt32 = 2
    static let macB = "02:00:00:00:00:0b"

    /// A wire between the two containers plus an ARP flow to the controller.
    static let baseFlows: [FlowEntry] = [
        FlowEntry(priority: 100, match: Match([OXMField(.inPort, UInt64(portA))]), cookie: ours.cookie(1),
                  instructions: [.applyActions([.output(portB)])]),
        FlowEntry(priority: 100, match: Match([OXMField(.inPort, UInt64(portB))]), cookie: ours.cookie(2),
                  instructions: [.applyActions([.output(portA)])]),
        FlowEntry(tableID: 10, priority: 5, match: Match([OXMField(.ethType, 0x0806)]), cookie: ours.cookie(3),
                  instructions: [.applyActions([.output(port: OpenFlowPort.controller, maxLength: 0xffff)])]),
    ]

    /// The same flows as `ovs-ofctl --no-stats dump-flows` prints them (hand-written).
    static let baseDump = [
        "cookie=0x5350000000000001, priority=100,in_port=1 actions=output:2",
        "cookie=0x5350000000000002, priority=100,in_port=2 actions=output:1",
        "cookie=0x5350000000000003, table=10, priority=5,arp actions=CONTROLLER:65535",
    ]

    /// Sandbox with containers a (ofport 1) and b (ofport 2), and a controller
    /// listening inside its namespace; both torn down by pid even on failure.
    static func withSetup(configuration: OpenFlowController.Configuration = .init(),
                          _ body: (OVSSandbox, OpenFlowController, DatapathID) async throws -> Void) async throws {
        try await OVSSandbox.with(hint: "ctl") { sandbox in
            try await setUp(sandbox, configuration, body)
        }
    }

    private static func setUp(_ sandbox: OVSSandbox, _ configuration: OpenFlowController.Configuration,
                              _ body: (OVSSandbox, OpenFlowController, DatapathID) async throws -> Void) async throws {
        try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: Int(portA))
        try sandbox.addContainer("b", mac: macB, addresses: ["10.77.0.2/24"], ofport: Int(portB))
        let controller = try await startController(in: sandbox, configuration: configuration)
        // Fixtures/capture-openflow sets this to record the session from its first byte.
        let capture = try ProcessInfo.processInfo.environment["SWIFTPLANE_OPENFLOW_CAPTURE"].map { path in
            try Daemon(["tcpdump", "-i", "lo", "-U", "--immediate-mode", "-w", path, "tcp port 6653"], netns: sandbox.name)
        }
        defer {
            // Let tcpdump write the last replies before it is killed.
            if let capture { usleep(300_000); capture.stop() }
        }
        if capture != nil { try await Task.sleep(for: .seconds(1)) }
        do {
            try sandbox.setController("tcp:127.0.0.1:6653")
            let dpid = try #require(await nextEvent(controller.events, seconds: 10) { if case let .up(info) = $0 { info.datapathID } else { nil } })
            try await body(sandbox, controller, dpid)
        } catch {
            await controller.stop()
            throw error
        }
        await controller.stop()
    }

    static func startController(in sandbox: OVSSandbox, wanted: FlowTable? = nil, dpid: DatapathID? = nil,
                                configuration: OpenFlowController.Configuration = .init()) async throws -> OpenFlowController {
        let controller = OpenFlowController(configuration: configuration)
        if let wanted, let dpid { _ = try? await controller.setFlows(wanted, on: dpid) }
        try await controller.start(boundSocket: try NetworkNamespace.listeningSocket(netns: sandbox.name, port: 6653))
        return controller
    }

    @Test("install a table; dump-flows shows exactly it; a change sends only the difference; foreign flows stay")
    func installAndDiff() async throws {
        try await Self.withSetup { sandbox, controller, dpid in
            // An operator's flow (cookie 0, which dump-flows does not print) is not ours: it must survive every sync.
            try sandbox.ofctl("add-flow", "br0", "table=20,priority=1,actions=drop")
            let before = controller.statistics.flowModsSent
            let first = try await controller.setFlows(FlowTable(Self.baseFlows), on: dpid)
            #expect([first.added, first.modified, first.deleted] as [Int] == [3, 0, 0])
            #expect(controller.statistics.flowModsSent - before == 3)
            let dump = try sandbox.flowsWithoutStats()
            #expect(dump == (Self.baseDump + ["table=20, priority=1 actions=drop"]).sorted(), "dump-flows: \(dump)")

            // Change one output, drop the ARP flow, add a new one: three FLOW_MODs.
            var changed = Self.baseFlows
            changed[1].instructions = [.applyActions([.output(Self.portA), .output(OpenFlowPort.local)])]
            changed.removeLast()
            changed.append(FlowEntry(tableID: 10, priority: 7, match: Match([OXMField(.ethType, 0x86dd)]), cookie: Self.ours.cookie(4),
                                     instructions: []))
            let mid = controller.statistics.flowModsSent
            let second = try await controller.setFlows(FlowTable(changed), on: dpid)
            #expect([second.added, second.modified, second.deleted, second.unchanged] as [Int] == [1, 1, 1, 1])
            #expect(controller.statistics.flowModsSent - mid == 3)
            let changedDump = try sandbox.flowsWithoutStats()
            #expect(changedDump == [
                "cookie=0x5350000000000001, priority=100,in_port=1 actions=output:2",
                "cookie=0x5350000000000002, priority=100,in_port=2 actions=output:1,LOCAL",
                "cookie=0x5350000000000004, table=10, priority=7,ipv6 actions=drop",
                "table=20, priority=1 actions=drop",
            ].sorted(), "dump-flows: \(changedDump)")

            // Same set again: nothing at all is sent.
            let last = controller.statistics.flowModsSent
            let third = try await controller.setFlows(FlowTable(changed), on: dpid)
            #expect(third.flowModsSent == 0)
            #expect(controller.statistics.flowModsSent == last)
        }
    }

    @Test("packet-in from a ping carries in_port; a packet-out reaches the other namespace")
    func packetInOut() async throws {
        try await Self.withSetup { sandbox, controller, dpid in
            let toController = FlowEntry(priority: 0, cookie: Self.ours.cookie(9),
                                         instructions: [.applyActions([.output(port: OpenFlowPort.controller, maxLength: 0xffff)])])
            try await controller.setFlows(FlowTable([toController]), on: dpid)
            let ping = try Daemon(["ping", "-c", "3", "-i", "0.2", "-W", "1", "10.77.0.2"], netns: "\(sandbox.name)-a")
            defer { ping.stop() }
            // The containers may also send IPv6 chatter (MLD, RS): wait for the ping's ARP.
            let packetIn = try #require(await firstPacketIn(controller.packetIns, seconds: 5) { event in
                Array(event.packetIn.data.readableBytesView.dropFirst(12).prefix(2)) == [0x08, 0x06]
            })
            #expect(packetIn.datapathID == dpid)
            #expect(packetIn.packetIn.inPort == Self.portA)
            // The ping starts with an ARP request: ethertype 0x0806 at bytes 12-13, sender MAC a.
            let frame = Array(packetIn.packetIn.data.readableBytesView)
            #expect(frame.count >= 42)
            #expect(Array(frame[12..<14]) == [0x08, 0x06])
            #expect(Array(frame[6..<12]) == [0x02, 0, 0, 0, 0, 0x0a])

            // A frame with a local-experimental ethertype, out of port b.
            let tcpdump = try Daemon(["tcpdump", "-i", "eth0", "-n", "-e", "-c", "1", "ether proto 0x88b5"], netns: "\(sandbox.name)-b")
            defer { tcpdump.stop() }
            var payload = Hex.bytes("02000000000b 0200000000aa 88b5")! + Array("swiftplane packet-out".utf8)
            payload += [UInt8](repeating: 0, count: max(0, 60 - payload.count))
            let out = PacketOut(actions: [.output(Self.portB)], data: ByteBuffer(bytes: payload))
            // tcpdump needs a moment to listen: send until it has seen one (or give up).
            _ = try await eventually(5, every: .milliseconds(100)) {
                try await controller.packetOut(out, on: dpid)
                return !tcpdump.isRunning
            }
            let seen = await tcpdump.finish(within: 1)
            #expect(seen.contains("02:00:00:00:00:aa > 02:00:00:00:00:0b, ethertype Unknown (0x88b5)"), "tcpdump: \(seen)")
        }
    }

    @Test("controller restart: flows stay, nothing re-sent, a continuous ping loses nothing")
    func controllerRestart() async throws {
        try await Self.withSetup { sandbox, controller, dpid in
            let wanted = FlowTable(Self.baseFlows)
            try await controller.setFlows(wanted, on: dpid)
            let ping = try Daemon(["ping", "-c", "150", "-i", "0.02", "-W", "1", "10.77.0.2"], netns: "\(sandbox.name)-a")
            defer { ping.stop() }
            // The ping under way across the switch, then the controller goes; once OVS
            // has seen it go (its own log), the next one starts.
            #expect(await eventually(5, every: .milliseconds(50)) { ping.output.contains("bytes from") }, "\(ping.output)")
            let disconnects = sandbox.controllerDisconnects()
            await controller.stop()
            #expect(await eventually(5, every: .milliseconds(50)) { sandbox.controllerDisconnects() > disconnects },
                    "ovs-vswitchd never noticed its controller go:\n\(sandbox.vswitchdLog().suffix(2000))")
            let second = try await Self.startController(in: sandbox, wanted: wanted, dpid: dpid)
            let report = await nextEvent(second.events, seconds: 10) { if case let .flowsSynced(report) = $0 { report } else { nil } }
            #expect(report.map { [$0.added, $0.modified, $0.deleted, $0.unchanged] as [Int] } == [0, 0, 0, 3])
            #expect(second.statistics.flowModsSent == 0)
            #expect(try sandbox.flowsWithoutStats() == Self.baseDump)
            let summary = await ping.finish(within: 15)
            await second.stop()
            #expect(summary.contains("150 packets transmitted, 150 received"), "ping: \(summary)")
        }
    }

    @Test("OVS restart: the flows it lost are back within 1 s of it reconnecting")
    func ovsRestart() async throws {
        try await Self.withSetup { sandbox, controller, dpid in
            try await controller.setFlows(FlowTable(Self.baseFlows), on: dpid)
            let pid = try #require(sandbox.daemonPIDs().last, "no ovs-vswitchd pid")
            // Restart with the very same command line (it holds the pidfile, so teardown still finds it).
            let commandLine = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
                .split(separator: "\0").map(String.init)
            kill(pid, SIGKILL)  // a crash; SIGTERM takes OVS ~10 s here
            #expect(await eventually(5, every: .milliseconds(20)) { !ProcessState.isRunning(pid) })
            let down = await nextEvent(controller.events) { if case let .down(id, _) = $0 { id } else { nil } }
            #expect(down == dpid)
            let restartedAt = ContinuousClock.now
            let starter = try sandbox.spawn(commandLine + ["-vconsole:off"])
            starter.waitForExit(within: 10)  // it exits once the daemon has detached
            #expect(starter.terminationStatus == 0)

            let report = try #require(await nextEvent(controller.events, seconds: 10) { event -> FlowSyncReport? in
                if case let .flowsSynced(report) = event { report } else { nil }
            })
            let sinceStart = ContinuousClock.now - restartedAt
            #expect([report.added, report.deleted] as [Int] == [3, 0], "a restarted OVS has no flows")
            // The sync runs right after the handshake of the new connection.
            #expect(report.duration < .seconds(1), "flows back \(report.duration) after the reconnect")
            #expect(sinceStart < .seconds(2), "OVS start (its own ~0.2 s included) to flows confirmed")
            print("ovsRestart: sync took \(report.duration); OVS start to flows confirmed: \(sinceStart)")
            #expect(try sandbox.flowsWithoutStats() == Self.baseDump)
        }
    }
}

func firstPacketIn(_ stream: AsyncStream<PacketInEvent>, seconds: Double,
                   where accept: @escaping @Sendable (PacketInEvent) -> Bool) async -> PacketInEvent? {
    await withTaskGroup(of: PacketInEvent?.self) { group in
        group.addTask { for await event in stream where accept(event) { return event }; return nil }
        group.addTask { try? await Task.sleep(for: .seconds(seconds)); return nil }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
