import NIOCore
import OpenFlow
import TestSupport
import Testing

/// Every vector we have: the Ryu files, the oracle FLOW_MODs and messages, and the hand-made ones.
let robustnessVectors: [Vectors.Vector] = Vectors.packets
    + oracleFlows.compactMap { flow in
        (try? OpenFlowEnvelope(xid: 1, .flowMod(flow.flowMod)).encoded()).map {
            Vectors.Vector(name: "oracle: " + flow.name, bytes: Array($0.readableBytesView))
        }
    }
    + oracleMessages.compactMap { message in
        (try? OpenFlowEnvelope(xid: 1, message.message).encoded()).map {
            Vectors.Vector(name: "oracle: " + message.name, bytes: Array($0.readableBytesView))
        }
    }
    + HandVectors.all.map { Vectors.Vector(name: "hand: " + $0, bytes: HandVectors.bytes($0)) }

@Suite("OpenFlow decoders on damaged input")
struct RobustnessTests {
    /// Damaged copies of one message: cut short (with and without the header
    /// length fixed up to match), single bits flipped, 16-bit fields overwritten
    /// with extreme lengths.
    static func mutations(of bytes: [UInt8], seed: UInt64) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var cuts = Array(0..<min(bytes.count, 80))
        if bytes.count > 80 { cuts += stride(from: 80, to: bytes.count, by: max(1, bytes.count / 48)) }
        for cut in cuts {
            let prefix = Array(bytes[..<cut])
            out.append(prefix)
            if cut >= 4 {
                var fixed = prefix
                fixed[2] = UInt8(cut >> 8)
                fixed[3] = UInt8(cut & 0xff)
                out.append(fixed)
            }
        }
        var random = SplitMix64(state: seed)
        for _ in 0..<64 where !bytes.isEmpty {
            var flipped = bytes
            let bit = Int(random.next() % UInt64(bytes.count * 8))
            flipped[bit / 8] ^= 1 << (bit % 8)
            out.append(flipped)
        }
        for position in stride(from: 8, to: min(bytes.count - 1, 112), by: 2) {
            for value: UInt16 in [0, 4, 7, 8, 0xffff] {
                var corrupted = bytes
                corrupted[position] = UInt8(value >> 8)
                corrupted[position + 1] = UInt8(value & 0xff)
                out.append(corrupted)
            }
        }
        return out
    }

    @Test("damaged messages decode or fail with a typed error, and what decodes round-trips stably",
          arguments: robustnessVectors.enumerated().map { ($0.offset, $0.element) })
    func damaged(index: Int, vector: Vectors.Vector) {
        var stream = OpenFlowMessageDecoder()
        var decoded = 0, rejected = 0
        for mutated in Self.mutations(of: vector.bytes, seed: UInt64(index)) {
            let buffer = ByteBuffer(bytes: mutated)
            switch OpenFlowEnvelope.roundTrip(buffer) {
            case .stable: decoded += 1
            case let .rejected(error):
                rejected += 1
                #expect(error.offset >= 0 && error.offset <= mutated.count, "\(vector.name): offset \(error.offset) outside the message")
            case let .unstable(first, second, reason):
                Issue.record("\(vector.name): \(reason): \(Hex.string(mutated))\nfirst: \(first)\nsecond: \(String(describing: second))")
            }
            // The same bytes through the stream decoder: it must not trap either.
            stream.append(buffer)
            while true {
                do {
                    guard try stream.nextMessage() != nil else { break }
                } catch {
                    if case .badLength = error.reason, error.what == "header length" { stream = OpenFlowMessageDecoder() }
                    break
                }
            }
        }
        // Both outcomes must occur, so the mutations reach past the envelope
        // checks (the Ryu "truncated64" vector is an empty file).
        #expect(rejected > 0 || vector.bytes.isEmpty, "\(vector.name): nothing rejected")
        #expect(decoded > 0 || vector.name.hasSuffix(".truncated64"), "\(vector.name): nothing decoded")
    }
}
