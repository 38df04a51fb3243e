import Foundation
import NIOCore
import OpenFlow
import OpenFlowController
import Packets
import Pcap
import TestSupport
import Testing

/// A real session with Open vSwitch (Fixtures/capture-openflow, see
/// Fixtures/openflow.manifest) replayed through the state machine.
@Suite("Replay of a captured OVS session")
struct SessionReplayTests {
    static let pcap = Repository.fixtures.appendingPathComponent("openflow-session.pcap")
    /// From `tshark -V` on the capture (FEATURES_REPLY datapath_id).
    static let datapathID: DatapathID = 0x0000_dec3_aeff_344c

    /// The two directions of the first connection, split into messages.
    static func session() throws -> (fromSwitch: [ByteBuffer], fromController: [ByteBuffer]) {
        var reassembler = TCPReassembler()
        for frame in try PcapReader.frames(path: pcap.path) { _ = reassembler.add(frame: frame.data) }
        func messages(_ stream: TCPStream?) throws -> [ByteBuffer] {
            var decoder = OpenFlowMessageDecoder()
            decoder.append(stream?.payload ?? ByteBuffer())
            var out: [ByteBuffer] = []
            while let frame = try decoder.nextFrame() { out.append(frame) }
            #expect(decoder.pendingBytes == 0)
            return out
        }
        let streams = reassembler.streams.filter { $0.connection == reassembler.streams.map(\.connection).min() }
        return (try messages(streams.first { $0.key.destination.port == 6653 }),
                try messages(streams.first { $0.key.source.port == 6653 }))
    }

    static func types(_ frames: [ByteBuffer]) -> [UInt8] { frames.compactMap { OpenFlowHeader.peek($0)?.type } }

    @Test("on the wire: 6 FLOW_MODs for 3 + 3 changes, 2 barriers, no ERROR from OVS",
          .enabled(if: FileManager.default.fileExists(atPath: pcap.path), "fixture missing: run Fixtures/capture-openflow"))
    func wireCounts() throws {
        let (fromSwitch, fromController) = try Self.session()
        #expect(Self.types(fromController).filter { $0 == 14 }.count == 6)
        #expect(Self.types(fromController).filter { $0 == 20 }.count == 2)
        #expect(!Self.types(fromSwitch).contains(1))
        #expect(Self.types(fromSwitch).first == 0 && Self.types(fromController).first == 0, "both open with HELLO")
    }

    @Test("the state machine, fed OVS's side, sends exactly the controller's side and every request completes",
          .enabled(if: FileManager.default.fileExists(atPath: pcap.path), "fixture missing: run Fixtures/capture-openflow"))
    func replay() throws {
        let (fromSwitch, fromController) = try Self.session()
        var connection = SwitchConnection()
        let now = NIODeadline.uptimeNanoseconds(1)
        var produced = Outputs(connection.start(now: now)).sent
        var next = 0
        while connection.state != .ready && next < fromSwitch.count {
            produced += Outputs(connection.receive(fromSwitch[next], now: now)).sent
            next += 1
        }
        #expect(connection.state == .ready)
        #expect(connection.datapathID == Self.datapathID)
        #expect(connection.ports.values.map(\.name.string).sorted() == ["a", "b", "br0"])
        #expect(connection.ports.keys.sorted() == [1, 2, OpenFlowPort.local])

        // Re-issue the controller's later requests in the order the capture has them.
        var waiting: [UInt32] = []
        var index = produced.count
        while index < fromController.count {
            let envelope = try OpenFlowEnvelope.decode(fromController[index])
            switch envelope.message {
            case .multipartRequest:
                let (xid, out) = connection.request(envelope.message)
                produced += Outputs(out).sent
                waiting.append(xid)
                index += 1
            case .flowMod:
                var batch: [OpenFlowMessage] = []
                while index < fromController.count, case let .flowMod(mod) = try OpenFlowEnvelope.decode(fromController[index]).message {
                    batch.append(.flowMod(mod))
                    index += 1
                }
                let (barrier, out) = connection.batch(batch)
                produced += Outputs(out).sent
                waiting.append(barrier)
                index += 1  // the captured barrier
            default:
                Issue.record("unexpected \(envelope.message.typeName) from the controller in the capture")
                index += 1
            }
        }
        let producedHex = try produced.map { Hex.string(try $0.encoded().readableBytesView) }
        #expect(producedHex == fromController.map { Hex.string($0.readableBytesView) })

        var completed: [UInt32] = []
        for frame in fromSwitch[next...] {
            let out = Outputs(connection.receive(frame, now: now))
            #expect(out.closed == nil && out.events.isEmpty, "\(out.events)")
            for (xid, result) in out.completed {
                if case let .failure(error) = result { Issue.record("xid \(xid) failed: \(error)") }
                completed.append(xid)
            }
        }
        #expect(completed == waiting)
        #expect(connection.pendingRequests == 0)
    }
}
