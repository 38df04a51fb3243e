// libFuzzer entry point for the OpenFlow decoders. Built by Tests/Tools/fuzz
// with -sanitize=fuzzer -DFUZZING; a plain build gives a program that says so.
import FuzzDriver
import NIOCore
import OpenFlow

/// Feeds the input to the stream decoder in two reads (split at a point the
/// input chooses), decodes every message, and requires each one that decodes
/// to re-encode and decode to the same value: a trap here is a finding.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    let split = count > 0 ? Int(bytes[0]) % (count + 1) : 0
    var decoder = OpenFlowMessageDecoder()
    decoder.append(ByteBuffer(bytes: bytes[..<split]))
    drain(&decoder)
    decoder.append(ByteBuffer(bytes: bytes[split...]))
    drain(&decoder)
    // The whole input as one message too, so the body decoders see it directly.
    check(ByteBuffer(bytes: bytes))
    return 0
}

private func drain(_ decoder: inout OpenFlowMessageDecoder) {
    while true {
        let frame: ByteBuffer?
        do {
            frame = try decoder.nextFrame()
        } catch {
            return  // length < 8: the stream is dead, as it should be
        }
        guard let frame else { return }
        check(frame)
    }
}

private func check(_ frame: ByteBuffer) {
    if case let .unstable(first, second, reason) = OpenFlowEnvelope.roundTrip(frame) {
        fatalError("round trip unstable (\(reason)):\n\(first)\n\(String(describing: second))")
    }
}

@main
enum OpenFlowFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
