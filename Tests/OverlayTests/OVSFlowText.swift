import Foundation
import NIOCore
import OpenFlow
import TestSupport

/// Open vSwitch's own text for FLOW_MODs: the messages are written to a file
/// and `ovs-ofctl ofp-parse` prints each, so the expectations in these tests
/// are checked against OVS's decoder, not ours.
enum OVSFlowText {
    static let ovsOfctl = Command.which("ovs-ofctl")

    /// One line per message, e.g. "ADD table:30 priority=100,... actions=output:1".
    static func lines(_ flowMods: [FlowMod]) throws -> [String] {
        try lines(messages: flowMods.map { .flowMod($0) })
    }

    /// One line per message of any type (GROUP_MOD, METER_MOD too).
    static func lines(messages: [OpenFlowMessage]) throws -> [String] {
        var buffer = ByteBuffer()
        for (xid, message) in messages.enumerated() {
            try OpenFlowEnvelope(xid: UInt32(xid), message).encode(into: &buffer)
        }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftplane-flowmods-\(UUID().uuidString).bin")
        try Data(buffer.readableBytesView).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Command.run(ovsOfctl ?? "ovs-ofctl", ["ofp-parse", file.path])
        guard result.status == 0 else {
            throw OVSFlowTextError(message: "ovs-ofctl ofp-parse failed: \(result.stderr)")
        }
        // Each message prints as "OFPT_FLOW_MOD (OF1.3) (xid=0x..): ADD ..."
        // (a GROUP_MOD or METER_MOD may take more than one line: joined).
        var messages: [String] = []
        for line in result.stdout.split(separator: "\n") {
            if line.hasPrefix("OFPT_") {
                messages.append(line.range(of: "):").map { String(line[$0.upperBound...]) } ?? "")
            } else if !messages.isEmpty {
                messages[messages.count - 1] += " " + line
            }
        }
        return messages.map(normalised)
    }

    /// Lines of a hand-written expectation: trimmed, blank lines dropped.
    static func expected(_ text: String) -> [String] {
        text.split(separator: "\n").map { normalised(String($0)) }.filter { !$0.isEmpty }
    }

    static func normalised(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

struct OVSFlowTextError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
