import ArgumentParser
import Foundation
import NIOCore
import OpenFlow

struct DecodeOpenFlow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openflow",
        abstract: "Decode raw OpenFlow 1.3 messages to JSON, one object per message.",
        discussion: """
            The input is OpenFlow messages back to back, as they cross the TCP \
            connection between a switch and its controller (no pcap framing). Each \
            message becomes one line of JSON with its version, type, xid, length, \
            byte offset in the input and decoded fields. With --reencode each object \
            also carries "reencoded": the hex of the message encoded again from the \
            decoded value, which must equal the input bytes.

            On a malformed message the good messages before it are printed, then \
            the error (what was wrong, at which byte offset of the input) goes to \
            standard error and the exit status is 1.

            Examples:
              # a HELLO (version 4, type 0, length 8, xid 1) from standard input
              printf '\\004\\000\\000\\010\\000\\000\\000\\001' | swiftplanectl decode openflow
              # the types of the messages in a file, checking each re-encodes
              swiftplanectl decode openflow --reencode session.bin | jq -r .type
              # messages kept as hex text (ovs-ofctl ofp-print takes the same hex)
              xxd -r -p messages.hex | swiftplanectl decode openflow --reencode -
            """
    )

    @Argument(help: "File of raw OpenFlow messages, or - (the default) for standard input.")
    var file: String = "-"

    @Flag(help: "Add the hex of each message re-encoded from its decoded value.")
    var reencode = false

    func run() throws {
        try DecodeOutput.emit(OpenFlowJSON.decodeStream(try InputFile.read(file), reencode: reencode))
    }
}

/// The CLI's logic, apart from I/O: bytes in, JSON lines and an optional error out.
enum OpenFlowJSON {
    static func decodeStream(_ bytes: [UInt8], reencode: Bool) -> (lines: [String], error: String?) {
        var decoder = OpenFlowMessageDecoder()
        decoder.append(ByteBuffer(bytes: bytes))
        return DecodeOutput.lines(of: "OpenFlow", consumed: { decoder.consumed }, pending: { decoder.pendingBytes }) { offset in
            guard let envelope = try decoder.nextMessage() else { return nil }
            var object: [String: Any] = [
                "offset": offset,
                "version": Int(envelope.version),
                "type": envelope.message.typeName,
                "xid": Int(envelope.xid),
                "length": decoder.consumed - offset,
                "message": jsonValue(envelope.message),
            ]
            if reencode {
                switch Result(catching: { try envelope.encoded() }) {
                case let .success(buffer): object["reencoded"] = hex(buffer.readableBytesView)
                case let .failure(error): object["reencoded_error"] = "\(error)"
                }
            }
            return object
        }
    }

    static func serialise(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// "tableID" -> "table_id", "ipv4Src" -> "ipv4_src".
    static func snakeCase(_ name: String) -> String {
        var out = ""
        var previousLower = false
        for c in name {
            if c.isUppercase {
                if previousLower { out.append("_") }
                out.append(contentsOf: c.lowercased())
                previousLower = false
            } else {
                out.append(c)
                previousLower = c.isLowercase || c.isNumber
            }
        }
        return out
    }

    static func oxmObject(_ field: OXMField) -> [String: Any] {
        var object: [String: Any] = [
            "field": field.name,
            "class": Int(field.oxmClass),
            "value": field.integerValue.map { NSNumber(value: $0) as Any } ?? hex(field.value),
        ]
        if let experimenter = field.experimenter { object["experimenter"] = Int(experimenter) }
        if let mask = field.mask { object["mask"] = field.integerMask.map { NSNumber(value: $0) as Any } ?? hex(mask) }
        return object
    }

    static func number<T: BinaryInteger>(_ value: T) -> NSNumber {
        value < 0 ? NSNumber(value: Int64(truncatingIfNeeded: value)) : NSNumber(value: UInt64(truncatingIfNeeded: value))
    }

    /// What reflection shows the same way in every decoder's JSON, each
    /// element through `json`: an optional as its value or null, a collection
    /// as an array, an enum case as its snake_case name or {case: payload}.
    /// nil for a struct or tuple, which each decoder lays out as its own.
    static func reflectedContainer(_ mirror: Mirror, of value: Any, _ json: (Any) -> Any) -> Any? {
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { json($0.value) } ?? NSNull()
        case .collection, .set:
            return mirror.children.map { json($0.value) }
        case .enum:
            guard let payload = mirror.children.first else { return snakeCase(String(describing: value)) }
            return [snakeCase(payload.label ?? "value"): json(payload.value)]
        default:
            return nil
        }
    }

    /// A JSONSerialization-ready value for any decoded value, by reflection
    /// (so every message type prints without a hand-written encoder each).
    static func jsonValue(_ value: Any) -> Any {
        switch value {
        case let buffer as ByteBuffer: return hex(buffer.readableBytesView)
        case let match as Match: return match.fields.map(oxmObject)
        case let field as OXMField: return oxmObject(field)
        case let header as OXMHeader:
            return ["field": header.name, "class": Int(header.oxmClass), "has_mask": header.hasMask, "length": Int(header.length)]
        case let mac as MACAddress: return mac.description
        case let text as FixedString: return text.string
        case let flags as FlowMod.Flags: return Int(flags.rawValue)
        // The wire's integer, as Ryu prints `datapath_id`.
        case let id as DatapathID: return number(id.rawValue)
        // (An empty array of any type casts to [UInt8]: test the type itself.)
        case let bytes as [UInt8] where type(of: value) == [UInt8].self: return hex(bytes)
        case let string as String: return string
        case let bool as Bool: return bool
        case let integer as any BinaryInteger:
            // Unsigned wire values (cookies, masks) print as unsigned.
            return number(integer)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        if let container = reflectedContainer(mirror, of: value, jsonValue) { return container }
        switch mirror.displayStyle {
        case .tuple:
            var object: [String: Any] = [:]
            for (i, child) in mirror.children.enumerated() {
                // An unlabelled element (".0") is the case's main value.
                let label = child.label.map { $0.hasPrefix(".") ? (i == 0 ? "value" : "_\(i)") : snakeCase($0) } ?? "_\(i)"
                object[label] = jsonValue(child.value)
            }
            return object
        default:
            var object: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                object[snakeCase(label)] = jsonValue(child.value)
            }
            return object
        }
    }
}
