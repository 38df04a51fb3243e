import AdminAPI
import Foundation
import TestSupport

/// The built CLI and daemons, and small helpers shared by the suites.
enum Built {
    static let ctl = Command.builtProduct("swiftplanectl")
    static let rr = Command.builtProduct("swiftplane-rr")
    static let agent = Command.builtProduct("swiftplane-agent")

    /// `swiftplanectl --socket SOCKET ARGS...`.
    static func ctl(_ socket: String, _ arguments: [String]) throws -> CommandResult {
        try Command.run(ctl ?? "swiftplanectl", arguments + ["--socket", socket])
    }

    /// The value of a Prometheus sample `name{labels}` (labels as printed, sorted), or nil.
    static func sample(_ page: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        PrometheusText.sample(page, name, labels)
    }
}
