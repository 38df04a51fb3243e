import Foundation
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// A hostile OpenFlow peer (Tests/Tools/hostile-peer: garbage,
/// oversized lengths, slowloris HELLOs, idle and flooding connections,
/// 4,000 of them, 1,000 at a time) beside a real Open vSwitch. The switch
/// keeps its session, its flows still follow the wanted table, and the
/// hostile connections go.
@Suite("Hostile OpenFlow peers beside real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil && Command.which("python3") != nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "python3 is not installed")))
struct HostileSwitchTests {
    @Test("4,000 hostile connections, 1,000 at a time: the real switch keeps its session and its flows follow the wanted set")
    func hostileConnections() async throws {
        // Idle and slowloris connections hold a slot until the handshake
        // timeout; 2 s instead of the default 10 s lets each wave of 1,000 go
        // five times sooner (what is checked is that they go, not when). The
        // real switch has finished its handshake before the attack starts.
        var configuration = OpenFlowController.Configuration()
        configuration.connection.handshakeTimeout = .seconds(2)
        try await ControllerOVSTests.withSetup(configuration: configuration) { sandbox, controller, dpid in
            _ = try await controller.setFlows(FlowTable(ControllerOVSTests.baseFlows), on: dpid)
            let tool = Repository.root.appendingPathComponent("Tests/Tools/hostile-peer").path
            let attack = try sandbox.spawn(["python3", tool, "--target", "127.0.0.1:6653", "--protocol", "openflow",
                                            "--connections", "4000", "--concurrency", "1000", "--sources", "127.91.0.0/16",
                                            "--seconds", "90"])
            defer { attack.stop() }
            let crowded = await eventually(20) { controller.openConnectionCount > 50 }
            #expect(crowded, "the attack never got going")

            // Under attack, a change of the wanted table still reaches the switch, only the difference.
            let report = try await controller.setFlows(FlowTable(Array(ControllerOVSTests.baseFlows.prefix(2))), on: dpid)
            #expect(report.deleted == 1 && report.added == 0)
            #expect(try sandbox.ofctl("--no-stats", "dump-flows", "br0").split(separator: "\n")
                .filter { $0.contains("cookie=0x535") }.count == 2)

            // Not a blocking wait: that would hold one of the two cooperative threads for the whole attack.
            #expect(await eventually(60) { !attack.isRunning })
            let summary = attack.output
            print(summary.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(summary.contains("4000 connections made"), "\(summary)")
            #expect(summary.contains(" 0 still open"), "\(summary)")
            // Every hostile connection was closed by the controller (protocol
            // violation, bad header, or the handshake timeout); only the
            // real switch is left, and it never went down.
            #expect(await eventually(15) { controller.openConnectionCount == 1 }, "\(controller.openConnectionCount) connections left")
            #expect(await controller.connectedSwitches == [dpid])
            let down = await nextEvent(controller.events, seconds: 0.5) { if case let .down(id, reason) = $0, id == dpid { reason } else { nil } }
            #expect(down == nil, "the real switch went down: \(down.map { "\($0)" } ?? "")")
        }
    }
}
