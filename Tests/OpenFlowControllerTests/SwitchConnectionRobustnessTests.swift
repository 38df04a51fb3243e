import NIOCore
import OpenFlow
import OpenFlowController
import Testing
import TestSupport

@Suite("SwitchConnection robustness: any bytes give messages, ERRORs or a close, never a trap")
struct SwitchConnectionRobustnessTests {
    /// A ready switch sends bytes; we may only answer with ERROR or ECHO_REPLY.
    static func check(_ bytes: [UInt8], chunk: Int) {
        var driver = HandshakeDriver()
        _ = driver.ready()
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunk)
            let out = driver.feed(ByteBuffer(bytes: bytes[index..<end]))
            for sent in out.sent {
                switch sent.message {
                case .error, .echoReply: break
                default: Issue.record("unexpected \(sent.message.typeName) for input \(bytes)")
                }
            }
            index = end
        }
    }

    @Test("random byte strings, whole and in small chunks", arguments: 0..<8)
    func random(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        for _ in 0..<250 {
            let length = Int.random(in: 0..<200, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Half the time, a plausible 1.3 header so bodies get decoded, not just framed.
            if bytes.count >= 8, Bool.random(using: &rng) {
                bytes[0] = 4
                bytes[1] = UInt8.random(in: 0...30, using: &rng)
                bytes[2] = 0
                bytes[3] = UInt8(min(bytes.count, 255))
            }
            Self.check(bytes, chunk: bytes.count + 1)
            Self.check(bytes, chunk: Int.random(in: 1...9, using: &rng))
        }
    }

    /// Every single-bit flip of a PORT_STATUS and a PACKET_IN.
    @Test("bit flips of valid switch messages", arguments: [
        Wire.message(type: 12, xid: 0, body: "00 00000000000000" + Wire.port(3, name: "c")),
        Wire.message(type: 10, xid: 0, body: "ffffffff 0040 00 00 0000000000000000 0001 000c 80000004 00000003 00000000 0000"
            + String(repeating: "ab", count: 64)),
    ])
    func bitFlips(message: ByteBuffer) {
        let bytes = Array(message.readableBytesView)
        for bit in 0..<(bytes.count * 8) {
            var flipped = bytes
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            Self.check(flipped, chunk: flipped.count)
        }
    }
}
