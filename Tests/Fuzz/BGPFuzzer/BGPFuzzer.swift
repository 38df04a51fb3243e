// libFuzzer entry point for the BGP decoders. Built by Tests/Tools/fuzz
// with -sanitize=fuzzer -DFUZZING; a plain build gives a program that says so.
import BGP
import FuzzDriver
import NIOCore

/// Any bytes, as a TCP stream: split into messages, decode each under two
/// session option sets, and check that whatever decodes re-encodes to bytes
/// that decode to the same value. The same bytes also go to the UPDATE body
/// decoder with its RFC 7606 classification. A trap or an unstable value is a
/// finding.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: count))
    let sessions = [
        SessionOptions(),
        SessionOptions(fourOctetAS: false, addPath: [.ipv4Unicast, .l2vpnEVPN], extendedMessage: true),
    ]
    for options in sessions {
        var stream = MessageStreamDecoder(maximumMessageLength: options.maximumMessageLength)
        stream.append(input)
        while let frame = try? stream.next() {
            guard let message = try? BGPMessage.decode(frame, options: options) else { continue }
            let again = message.encoded(options: options)
            guard let back = try? BGPMessage.decode(again, options: options), back == message else {
                fatalError("re-encoding is not stable for \(message)")
            }
        }
        switch Update.decode(body: input, options: options) {
        case .update(let u), .attributeDiscard(let u, _):
            let bytes = BGPMessage.update(u).encoded(options: options)
            guard case .update(let back)? = try? BGPMessage.decode(bytes, options: options), back == u else {
                // Re-encoding may legitimately exceed the maximum length; only a
                // message that fits must come back the same.
                if bytes.readableBytes <= options.maximumMessageLength { fatalError("UPDATE not stable: \(u)") }
                break
            }
        case .treatAsWithdraw, .sessionReset:
            break
        }
    }
    return 0
}

@main
enum BGPFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
