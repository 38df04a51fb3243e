import NIOCore
import OpenFlow
import OpenFlowController
import TestSupport

/// Hand-written OpenFlow 1.3 wire layouts (spec §A), so the tests do not
/// check the controller against our own encoder.
enum Wire {
    static func hex(_ value: UInt64, bytes: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, bytes * 2 - digits.count)) + digits
    }

    /// A whole message: version, type, length (computed from the body), xid, body.
    static func message(version: UInt8 = 4, type: UInt8, xid: UInt32, body: String = "") -> ByteBuffer {
        let bodyBytes = Hex.bytes(body) ?? []
        let head = hex(UInt64(version), bytes: 1) + hex(UInt64(type), bytes: 1)
            + hex(UInt64(8 + bodyBytes.count), bytes: 2) + hex(UInt64(xid), bytes: 4)
        return ByteBuffer(bytes: (Hex.bytes(head) ?? []) + bodyBytes)
    }

    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(bytes: Hex.bytes(text) ?? []) }

    /// ofp_switch_features body: datapath_id, n_buffers, n_tables, auxiliary_id, pad, capabilities, reserved.
    static func featuresBody(dpid: DatapathID, tables: UInt8 = 254) -> String {
        hex(dpid.rawValue, bytes: 8) + "00000000" + hex(UInt64(tables), bytes: 1) + "00" + "0000" + "0000004f" + "00000000"
    }

    /// ofp_port (64 bytes).
    static func port(_ number: UInt32, name: String) -> String {
        var nameHex = Hex.string(Array(name.utf8.prefix(15)))
        nameHex += String(repeating: "0", count: 32 - nameHex.count)
        return hex(UInt64(number), bytes: 4) + "00000000" + "0200000000" + hex(UInt64(number & 0xff), bytes: 1)
            + "0000" + nameHex + String(repeating: "0", count: 8 * 8)
    }

    /// ofp_multipart_reply header for OFPMP_PORT_DESC (13) with flags.
    static func portDescReply(more: Bool, ports: [String]) -> String {
        "000d" + (more ? "0001" : "0000") + "00000000" + ports.joined()
    }
}

/// What a `SwitchConnection` produced, split by kind.
struct Outputs {
    var sent: [OpenFlowEnvelope] = []
    var events: [SwitchConnectionEvent] = []
    var completed: [(xid: UInt32, result: Result<[OpenFlowMessage], OpenFlowRequestError>)] = []
    var closed: SwitchCloseReason?

    init(_ outputs: [SwitchConnectionOutput]) {
        for output in outputs {
            switch output {
            case let .send(envelope): sent.append(envelope)
            case let .event(event): events.append(event)
            case let .completed(xid, result): completed.append((xid, result))
            case let .close(reason): closed = reason
            }
        }
    }

    var sentTypes: [UInt8] { sent.map(\.message.type) }

    /// Nothing sent, reported, finished or closed.
    var isQuiet: Bool { sent.isEmpty && events.isEmpty && completed.isEmpty && closed == nil }

    /// The (type, code) of the ERRORs sent.
    var errors: [[UInt16]] {
        sent.compactMap { if case let .error(error) = $0.message { [error.type, error.code] } else { nil } }
    }
}

/// Drives a connection through the handshake with hand-written switch replies.
struct HandshakeDriver {
    var connection: SwitchConnection
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)

    init(configuration: SwitchConnection.Configuration = .init()) {
        connection = SwitchConnection(configuration: configuration)
    }

    mutating func feed(_ bytes: ByteBuffer) -> Outputs { Outputs(connection.receive(bytes, now: now)) }

    /// HELLO, FEATURES, PORT_DESC (in two parts); returns the last outputs.
    mutating func ready(dpid: DatapathID = 0x0000_0a0b_0c0d_0e0f) -> Outputs {
        _ = connection.start(now: now)
        let afterHello = feed(Wire.message(type: 0, xid: 1))
        let featuresXID = afterHello.sent.first?.xid ?? 0
        let afterFeatures = feed(Wire.message(type: 6, xid: featuresXID, body: Wire.featuresBody(dpid: dpid)))
        let portsXID = afterFeatures.sent.first { $0.message.type == 18 }?.xid ?? 0
        _ = feed(Wire.message(type: 19, xid: portsXID,
                              body: Wire.portDescReply(more: true, ports: [Wire.port(1, name: "a")])))
        var last = feed(Wire.message(type: 19, xid: portsXID,
                                     body: Wire.portDescReply(more: false, ports: [Wire.port(2, name: "b"), Wire.port(0xffff_fffe, name: "br0")])))
        if let role = afterFeatures.sent.first(where: { $0.message.type == 24 }) {
            last = feed(Wire.message(type: 25, xid: role.xid, body: "00000002" + "00000000" + "0000000000000000"))
        }
        return last
    }
}
