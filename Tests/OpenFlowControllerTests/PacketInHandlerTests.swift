import Foundation
import NIOConcurrencyHelpers
import NIOCore
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// `Configuration.packetInHandler`: packet-ins are answered on the event
/// loop and the answers reach the switch in order, none dropped.
@Suite("Packet-ins answered on the event loop", .serialized)
struct PacketInHandlerTests {
    @Test(arguments: [1, 5, 200])
    func answersReachTheSwitch(packetIns: Int) async throws {
        var configuration = OpenFlowController.Configuration()
        // Flood each frame back out, tagged with the in_port it came from.
        configuration.packetInHandler = { event in
            [.packetOut(PacketOut(inPort: event.packetIn.inPort ?? 0, actions: [.output(OpenFlowPort.flood)], data: event.packetIn.data))]
        }
        let seen = NIOLockedValueBox<[PacketOut]>([])
        try await withConnectedFakeSwitch(configuration, datapathID: 0x78, received: { envelope in
            if case let .packetOut(out) = envelope.message { seen.withLockedValue { $0.append(out) } }
        }) { controller, peer in
            // PACKET_INs with in_port 3 and a 4-byte frame whose last byte numbers it.
            for n in 0..<packetIns {
                peer.write(Wire.message(type: 10, xid: 0, body: "ffffffff 0004 00 00 0000000000000000 0001 000c 80000004 00000003 00000000 0000"
                    + "aabbcc" + Wire.hex(UInt64(n & 0xff), bytes: 1)))
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while seen.withLockedValue({ $0.count }) < packetIns, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let outs = seen.withLockedValue { $0 }
            #expect(outs.map { $0.data.readableBytesView.last ?? 0 } == (0..<packetIns).map { UInt8($0 & 0xff) })
            #expect(outs.allSatisfy { $0.inPort == 3 && $0.actions == [.output(OpenFlowPort.flood)] })
            #expect(controller.statistics.packetInsDropped == 0)
        }
    }
}
