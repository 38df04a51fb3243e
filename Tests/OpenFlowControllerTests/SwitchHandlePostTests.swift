import Foundation
import NIOConcurrencyHelpers
import NIOCore
import OpenFlow
import OpenFlowController
import Testing

/// `SwitchHandle.post`: messages go out in order and are flushed without
/// anything sent after them, however many posts share one flush.
@Suite("SwitchHandle.post over loopback", .serialized)
struct SwitchHandlePostTests {
    @Test(arguments: [1, 2, 300])
    func postedMessagesArriveInOrder(posts: Int) async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.port = 0
        let controller = OpenFlowController(configuration: configuration, logger: LogCapture().logger)
        let port = try #require(try await controller.start().port)
        defer { Task { await controller.stop() } }
        let stop = NIOLockedValueBox(false)
        defer { stop.withLockedValue { $0 = true } }
        let seen = NIOLockedValueBox<[OpenFlowMessage]>([])
        let peer = try FakePeer(port: port)
        Thread {
            peer.serveAsSwitch(datapathID: 0x77, received: { envelope in
                switch envelope.message {
                case .flowMod, .packetOut: seen.withLockedValue { $0.append(envelope.message) }
                default: break
                }
            }, stop: { stop.withLockedValue { $0 } })
        }.start()
        _ = await nextEvent(controller.events) { if case .up = $0 { true } else { nil } }
        let handle = try await controller.handle(0x77)
        var expected: [OpenFlowMessage] = []
        for n in 0..<posts {
            let flow = OpenFlowMessage.flowMod(FlowMod(priority: UInt16(n), match: Match([OXMField(.inPort, UInt64(n % 7 + 1))])))
            let out = OpenFlowMessage.packetOut(PacketOut(actions: [.output(OpenFlowPort.flood)], data: ByteBuffer(bytes: [0xab, UInt8(n & 0xff)])))
            handle.post([flow, out])
            expected += [flow, out]
        }
        // No barrier or other message after them: they must arrive on their flush alone.
        let deadline = ContinuousClock.now + .seconds(5)
        while seen.withLockedValue({ $0.count }) < expected.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(seen.withLockedValue { $0 } == expected)
        #expect(controller.statistics.packetOutsDropped == 0)
        withExtendedLifetime(peer) {}
    }
}
