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
        let seen = NIOLockedValueBox<[OpenFlowMessage]>([])
        try await withConnectedFakeSwitch(OpenFlowController.Configuration(), datapathID: 0x77, received: { envelope in
            switch envelope.message {
            case .flowMod, .packetOut: seen.withLockedValue { $0.append(envelope.message) }
            default: break
            }
        }) { controller, _ in
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
        }
    }
}
