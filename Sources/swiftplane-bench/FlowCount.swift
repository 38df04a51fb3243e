import Foundation

/// How many flows a switch holds, as OVS counts them itself: one small
/// reply however large the table, where a dump carries every flow and a
/// flow monitor every change. The drills watch a bulk install by these
/// counts, then check the flows themselves once by a dump.
///
/// Two ways to ask, of very different cost to the switch being measured:
/// - every table's count (`ovs-ofctl dump-tables TARGET`, each table's
///   `active=N`): OVS keeps these, so no flow is walked. About 0.5 ms of
///   ovs-vswitchd's CPU per read, at 100,000 flows as with none;
/// - the flows a match selects (`ovs-ofctl dump-aggregate TARGET MATCH`,
///   `flow_count=N`), e.g. a cookie: OVS walks every flow of the tables
///   matched. About 21 ms of ovs-vswitchd's CPU per read of a table of
///   100,000 (7 ms with none). The drills poll by table and ask by match
///   only once the tables agree.
enum FlowCount {
    /// `flow_count=N` of an aggregate reply; nil when the reply holds none.
    static func parse(_ reply: Substring) -> Int? {
        guard let start = reply.range(of: "flow_count=")?.upperBound else { return nil }
        return Int(reply[start...].prefix { $0.isNumber })
    }

    /// Each table's `active=N` of a table-statistics reply, by table
    /// number. OVS prints a run of tables whose statistics equal the one
    /// before as `tables A...B: ditto`; those get its count. Nil when the
    /// reply holds no table's count.
    static func parseTables(_ reply: Substring) -> [Int: Int]? {
        var counts: [Int: Int] = [:]
        var table: Int?
        var last: Int?
        for raw in reply.split(separator: "\n") {
            let line = raw.drop { $0 == " " }
            if line.hasPrefix("table "), line.hasSuffix(":"), let n = Int(line.dropFirst(6).dropLast()) {
                table = n
            } else if line.hasPrefix("active="), let n = table, let count = Int(line.dropFirst(7).prefix { $0.isNumber }) {
                counts[n] = count
                last = count
                table = nil
            } else if line.hasPrefix("tables "), line.hasSuffix(": ditto"), let last {
                let range = line.dropFirst(7).dropLast(7).split(separator: ".", omittingEmptySubsequences: true)
                guard range.count == 2, let first = Int(range[0]), let end = Int(range[1]), first <= end else { continue }
                for n in first...end { counts[n] = last }
            }
        }
        return counts.isEmpty ? nil : counts
    }
}

#if canImport(Glibc)
import ProcessOutput

extension FlowCount {
    /// The counts of the flows each `match` selects (`cookie=V/MASK`), read at once (one `ovs-ofctl` each, all running
    /// together): a poll of every host costs one read's time, not their sum.
    static func readAll(_ queries: [(target: String, match: String)], ofctl: String) throws -> [Int] {
        let replies = try ProcessOutput.runAll(queries.map { target, match in
            ProcessOutput.Command(URL(fileURLWithPath: ofctl), ["-O", "OpenFlow13", "dump-aggregate", target, match],
                                  environment: FlowMonitor.environment(target: target))
        })
        return try zip(queries, replies).map { query, reply in
            guard reply.status == 0, let count = parse(Substring(reply.stdout)) else {
                throw ScaleDrillFailure("ovs-ofctl dump-aggregate \(query.target) \(query.match): \(reply.stderr.isEmpty ? reply.stdout : reply.stderr)")
            }
            return count
        }
    }

    /// Every table's count of each switch (one `ovs-ofctl dump-tables` each,
    /// all running together).
    static func readTables(_ targets: [String], ofctl: String) throws -> [[Int: Int]] {
        let replies = try ProcessOutput.runAll(targets.map { target in
            ProcessOutput.Command(URL(fileURLWithPath: ofctl), ["-O", "OpenFlow13", "dump-tables", target],
                                  environment: FlowMonitor.environment(target: target))
        })
        return try zip(targets, replies).map { target, reply in
            guard reply.status == 0, let counts = parseTables(Substring(reply.stdout)) else {
                throw ScaleDrillFailure("ovs-ofctl dump-tables \(target): \(reply.stderr.isEmpty ? reply.stdout : reply.stderr)")
            }
            return counts
        }
    }

    /// The count of each switch's `table` (a table OVS does not list counts 0).
    static func readAll(_ targets: [String], table: Int, ofctl: String) throws -> [Int] {
        try readTables(targets, ofctl: ofctl).map { $0[table] ?? 0 }
    }

    /// The injected endpoints' two tables of each switch: forward and ARP responder.
    static func injectedTables(_ targets: [String], ofctl: String) throws -> [[Int]] {
        try readTables(targets, ofctl: ofctl).map { counts in
            [InjectedFlows.forwardTable, InjectedFlows.addressResolutionTable].map { counts[$0] ?? 0 }
        }
    }
}
#endif
