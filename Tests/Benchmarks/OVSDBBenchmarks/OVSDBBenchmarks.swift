import Benchmark
import NIOCore
import OVSDB

/// A monitor's initial reply for a host with `count` tenant ports on br0,
/// in ovsdb-server's shape (one Port and one Interface row per port).
func initialReply(ports count: Int) -> [UInt8] {
    func uuid(_ kind: Int, _ i: Int) -> String {
        let hex = String(kind * 1_000_000 + i, radix: 16)
        return "6e0e9e8a-1c7e-4a8f-9d1e-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
    let portRefs = (0..<count).map { #"["uuid","\#(uuid(1, $0))"]"# }.joined(separator: ",")
    let ports = (0..<count).map { i in
        #""\#(uuid(1, i))":{"new":{"name":"p\#(i)","interfaces":["uuid","\#(uuid(2, i))"],"tag":["set",[]],"#
            + #""external_ids":["map",[["attached-mac","02:42:c0:a8:\#(String(i / 256, radix: 16)):\#(String(i % 256, radix: 16))"],"#
            + #"["ip","10.0.\#(i / 256).\#(i % 256)"],["vni","\#(10 + i % 4)"]]]}}"#
    }.joined(separator: ",")
    let interfaces = (0..<count).map { i in
        #""\#(uuid(2, i))":{"new":{"name":"p\#(i)","ofport":\#(i + 1),"type":"","external_ids":["map",[]],"#
            + #""options":["map",[]],"error":["set",[]],"mac_in_use":"36:9a:1f:00:00:07"}}"#
    }.joined(separator: ",")
    let text = #"{"id":"swiftplane-monitor","error":null,"result":{"Bridge":{"\#(uuid(0, 0))":{"new":{"name":"br0","#
        + #""datapath_id":"0000aabbccddeeff","ports":["set",[\#(portRefs)]]}}},"Port":{\#(ports)},"Interface":{\#(interfaces)}}}"#
    return Array(text.utf8)
}

let benchmarks: @Sendable () -> Void = {
    let reply = initialReply(ports: 200)
    let buffer = ByteBuffer(bytes: reply)
    // Each iteration handles the whole initial reply of a 200-port host.
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 2000
    )

    Benchmark("JSON parse, monitor reply of 200 ports (\(reply.count) bytes)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? JSONParser().parse(buffer))
        }
    }

    Benchmark("Frame + parse + apply + attached ports, 200-port reply", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var framer = JSONStreamFramer()
            framer.append(buffer)
            guard let text = try? framer.next(), let json = try? JSONParser().parse(text),
                  let message = try? JSONRPCMessage(json: json),
                  case .response(let result, _, _) = message,
                  let updates = try? OVSDBTableUpdates(json: result)
            else { fatalError("benchmark input does not decode") }
            var replica = OVSDBReplica()
            try? replica.apply(updates)
            blackHole(replica.attachedPorts.ports.count)
        }
    }
}
