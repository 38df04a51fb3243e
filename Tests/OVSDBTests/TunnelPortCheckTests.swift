import OVSDB
import Testing

/// `tunnelPortProblem` on a replica whose port a is a flow-based VXLAN
/// interface: `local_ip` is compared with the agent's vtep as an address,
/// so any spelling of the same IPv6 address passes and another address does not.
@Suite("the VXLAN port's local_ip against the agent's vtep")
struct TunnelPortCheckTests {
    static func replica(localIP: String) throws -> OVSDBReplica {
        let vxlan = Vectors.initialReply
            .replacingOccurrences(of: #""ofport":7,"type":"","external_ids":["map",[]],"options":["map",[]]"#,
                                  with: #""ofport":100,"type":"vxlan","external_ids":["map",[]],"options":["map",[["key","flow"],["local_ip","\#(localIP)"],["remote_ip","flow"]]]"#)
        #expect(vxlan != Vectors.initialReply)
        guard case .response(let result, _, _) = try ReplicaTests.message(vxlan) else {
            Issue.record("not a response")
            return OVSDBReplica()
        }
        var replica = OVSDBReplica()
        try replica.apply(try OVSDBTableUpdates(json: result))
        return replica
    }

    @Test(arguments: [
        ("fd00:9::2", "fd00:9::2", true), ("fd00:9:0:0::2", "fd00:9::2", true), ("FD00:9::2", "fd00:9::2", true),
        ("fd00:9::3", "fd00:9::2", false), ("10.9.9.2", "fd00:9::2", false), ("10.9.9.2", "10.9.9.2", true),
        ("10.9.9.3", "10.9.9.2", false), ("not an address", "fd00:9::2", false),
    ])
    func localIP(_ configured: String, _ vtep: String, _ accepted: Bool) throws {
        let problem = try Self.replica(localIP: configured).tunnelPortProblem(bridge: "br0", ofport: 100, localIP: vtep)
        if accepted {
            #expect(problem == nil, "\(problem.map(\.description) ?? "")")
        } else {
            #expect(problem?.field == "options:local_ip" && problem?.value == configured, "\(problem.map(\.description) ?? "no problem")")
        }
    }
}
