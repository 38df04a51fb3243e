import Foundation

/// How many flows a table of a switch holds, as OVS counts them itself
/// (`ovs-ofctl dump-aggregate TARGET table=N`): one small reply however
/// large the table, where a dump carries every flow and a flow monitor
/// every change. The scale drill watches a bulk install by these counts,
/// then checks the flows themselves once by a dump.
enum FlowCount {
    /// `flow_count=N` of an aggregate reply; nil when the reply holds none.
    static func parse(_ reply: Substring) -> Int? {
        guard let start = reply.range(of: "flow_count=")?.upperBound else { return nil }
        return Int(reply[start...].prefix { $0.isNumber })
    }
}

#if canImport(Glibc)
import ProcessOutput

extension FlowCount {
    /// The count of the flows `match` selects (`table=30`, `cookie=V/MASK`).
    static func read(_ target: String, match: String, ofctl: String) throws -> Int {
        try readAll([(target, match)], ofctl: ofctl)[0]
    }

    /// Several counts read at once (one `ovs-ofctl` each, all running
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

    /// The count of one table's flows.
    static func read(_ target: String, table: Int, ofctl: String) throws -> Int {
        try read(target, match: "table=\(table)", ofctl: ofctl)
    }

    /// The injected endpoints' two tables: forward and ARP responder.
    static func injectedTables(_ target: String, ofctl: String) throws -> [Int] {
        try [InjectedFlows.forwardTable, InjectedFlows.addressResolutionTable].map { try read(target, table: $0, ofctl: ofctl) }
    }
}
#endif
