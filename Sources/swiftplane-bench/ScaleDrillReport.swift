import Foundation
import NetAddress

/// The scale drill's figures and the table it prints at the end.
struct ScaleDrillReport: Sendable {
    enum ChangeKind: String, CaseIterable, Sendable, CustomStringConvertible {
        case add, move, remove
        var description: String { rawValue }
        var past: String {
            switch self {
            case .add: "added"
            case .move: "moved"
            case .remove: "removed"
            }
        }
    }

    struct Memory: Sendable {
        var host: String
        var rss: Int?
        var peak: Int?
    }

    var routes: Int
    var changes: Int
    var hosts: [String]
    var nextHops: [IPv4Address]
    /// Per host, nanoseconds from the first UPDATE to its flows exact.
    var announce: [UInt64] = []
    var withdraw: [UInt64] = []
    /// Per change, per host, nanoseconds from the UPDATE to the host's flow event.
    var latencies: [ChangeKind: [[UInt64]]] = [:]
    var memory: [Memory] = []
    /// Per host, how often OVS paused its flow monitor (it fell behind).
    var pauses: [Int] = []

    static func seconds(_ nanoseconds: UInt64) -> String { String(format: "%.2f s", Double(nanoseconds) / 1e9) }
    static func milliseconds(_ nanoseconds: UInt64) -> String { String(format: "%.1f", Double(nanoseconds) / 1e6) }
    static func mebibytes(_ bytes: Int?) -> String { bytes.map { String(format: "%.0f", Double($0) / 1_048_576) } ?? "?" }

    /// The value at quantile q (nearest rank).
    static func percentile(_ values: [UInt64], _ q: Double) -> UInt64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// "p50 / p99 ms" of one host's latencies (nil: until the last host had it).
    func quantiles(_ kind: ChangeKind, host: Int?) -> String {
        let samples = (latencies[kind] ?? []).map { perHost in host.map { perHost[$0] } ?? perHost.max() ?? 0 }
        guard !samples.isEmpty else { return "-" }
        return "\(Self.milliseconds(Self.percentile(samples, 0.5))) / \(Self.milliseconds(Self.percentile(samples, 0.99))) ms"
    }

    func line(_ kind: ChangeKind) -> String {
        "\(latencies[kind]?.count ?? 0) changes, every host after p50 / p99 \(quantiles(kind, host: nil))"
    }

    var table: String {
        let columns = hosts + ["every host"]
        var rows: [[String]] = []
        func perHost(_ values: [UInt64]) -> [String] { values.map(Self.seconds) + [values.max().map(Self.seconds) ?? "-"] }
        rows.append(["\(routes) announced: flows exact"] + perHost(announce))
        for kind in ChangeKind.allCases {
            rows.append(["one endpoint \(kind.past) (\(latencies[kind]?.count ?? 0)), p50 / p99"]
                + hosts.indices.map { quantiles(kind, host: $0) } + [quantiles(kind, host: nil)])
        }
        rows.append(["\(routes) withdrawn: no flow left"] + perHost(withdraw))
        rows.append(["agent RSS / peak with \(routes) installed"]
            + hosts.map { host in memory.first { $0.host == host }.map { "\(Self.mebibytes($0.rss)) / \(Self.mebibytes($0.peak)) MiB" } ?? "-" }
            + [""])
        var out = "| figure | " + columns.joined(separator: " | ") + " |\n|---|" + String(repeating: "---|", count: columns.count) + "\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        if pauses.contains(where: { $0 > 0 }) {
            out += "(OVS paused the flow monitor: " + zip(hosts, pauses).map { "\($0) \($1)x" }.joined(separator: ", ") + ")\n"
        }
        return out
    }
}
