import Foundation
import TestSupport

extension OVSSandbox {
    /// Why the real-OVS controller tests cannot run here, or nil when they can.
    static let controllerTestsUnavailable: String? = unavailableReason
        ?? ["ping", "tcpdump"].first { Command.which($0) == nil }.map { "\($0) is not installed (Tests/Tools/install-deps)" }

    /// `dump-flows --no-stats`, one flow per line, sorted.
    func flowsWithoutStats() throws -> [String] {
        try ofctl("--no-stats", "dump-flows", bridge)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("OFPST_FLOW") }.sorted()
    }
}
