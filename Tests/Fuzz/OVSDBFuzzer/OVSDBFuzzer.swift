// libFuzzer entry point for the OVSDB sans-I/O core. Built by Tests/Tools/fuzz
// with -sanitize=fuzzer -DFUZZING; a plain build gives a program that says so.
import FuzzDriver
import NIOCore
import OVSDB

func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    // The stream as a peer would send it, in two reads split mid-way, so
    // the framer's resumed scan runs too.
    var framer = JSONStreamFramer(maximumTextBytes: 1 << 16)
    let half = count / 2
    framer.append(ByteBuffer(bytes: UnsafeBufferPointer(rebasing: bytes[..<half])))
    var replica = OVSDBReplica()
    drain(&framer, into: &replica)
    framer.append(ByteBuffer(bytes: UnsafeBufferPointer(rebasing: bytes[half...])))
    drain(&framer, into: &replica)
    // The whole input as one text, straight to the parser and the OVSDB layers.
    if let json = try? JSONParser(maximumDepth: 32).parse(ByteBuffer(bytes: bytes)) {
        exercise(json, replica: &replica)
    }
    _ = replica.attachedPorts
    return 0
}

func drain(_ framer: inout JSONStreamFramer, into replica: inout OVSDBReplica) {
    while true {
        guard let text = try? framer.next() else { return }
        if let json = try? JSONParser(maximumDepth: 32).parse(text) { exercise(json, replica: &replica) }
    }
}

/// Every reading of a JSON value the client makes: a JSON-RPC message, an
/// update notification, a monitor reply, applied to the replica; and back
/// to text, which must parse again.
func exercise(_ json: JSONValue, replica: inout OVSDBReplica) {
    var out = ByteBuffer()
    json.write(to: &out)
    _ = try? JSONParser(maximumDepth: 64).parse(out)
    if let message = try? JSONRPCMessage(json: json) {
        _ = message.automaticReply
        if let update = try? OVSDBUpdateNotification(message) { try? replica.apply(update.updates) }
        if case .response(let result, _, _) = message, let updates = try? OVSDBTableUpdates(json: result) {
            try? replica.apply(updates)
        }
    }
    if let updates = try? OVSDBTableUpdates(json: json) { try? replica.apply(updates) }
    for bridge in replica.bridgeNames { _ = replica.ports(onBridge: bridge) }
}

@main
enum OVSDBFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
