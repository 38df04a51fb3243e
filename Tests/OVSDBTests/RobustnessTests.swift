import NIOCore
import OVSDB
import Testing

/// Damaged versions of every vector go through every layer the client uses;
/// none may trap, and the layers must agree with each other.
@Suite("OVSDB robustness")
struct RobustnessTests {
    /// Parse, read as JSON-RPC, as an update, as a monitor reply, apply.
    static func everyLayer(_ bytes: [UInt8]) -> JSONValue? {
        guard let json = try? JSONParser().parse(bytes) else { return nil }
        var replica = OVSDBReplica()
        if let message = try? JSONRPCMessage(json: json) {
            _ = message.automaticReply
            if case .response(let result, _, _) = message, let updates = try? OVSDBTableUpdates(json: result) {
                try? replica.apply(updates)
            }
            if let update = try? OVSDBUpdateNotification(message) { try? replica.apply(update.updates) }
        }
        _ = replica.attachedPorts
        return json
    }

    @Test("every strict prefix of a text is refused by the parser and held by the framer", arguments: Vectors.all)
    func truncations(_ text: String) throws {
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            #expect(Self.everyLayer(prefix) == nil, "prefix of \(length) bytes parsed")
            var framer = JSONStreamFramer()
            framer.append(prefix)
            #expect(try framer.next() == nil)
        }
        #expect(Self.everyLayer(bytes) != nil)
    }

    @Test("bit flips never trap; when the parser accepts one, the framer frames exactly it", arguments: Vectors.all)
    func bitFlips(_ text: String) {
        let bytes = Array(text.utf8)
        var accepted = 0
        for index in bytes.indices {
            for bit in [index % 8, (index + 3) % 8] {
                var damaged = bytes
                damaged[index] ^= 1 << UInt8(bit)
                guard let json = Self.everyLayer(damaged), json.objectValue != nil || json.arrayValue != nil,
                      damaged.first == bytes.first
                else { continue }
                accepted += 1
                var framer = JSONStreamFramer()
                framer.append(damaged + [0x0a])
                let framed = try? framer.next()
                #expect(framed.map { Array(buffer: $0) } == damaged, "flip at \(index) bit \(bit)")
            }
        }
        // Flips inside string contents stay valid JSON: the check above did run.
        #expect(accepted > 0)
    }
}

extension Array where Element == UInt8 {
    init(buffer: ByteBuffer) { self = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [] }
}
