import Agent
import AgentConfiguration
import Benchmark
import Foundation
import NIOCore
import OpenFlow
import OpenFlowController

/// An agent's file as the churn drill writes it: a host's settings, then
/// `count` static endpoints behind port 1 (or none).
func churnConfiguration(endpoints count: Int) -> String {
    var text = """
        vtep: 10.9.9.3
        as: 65000
        route-reflectors:
          - address: 10.9.9.1
        bridges:
          - name: br0
            vxlan-port: 100
        vnis:
          - vni: 10
          - vni: 11

        """
    guard count > 0 else { return text }
    text += "endpoints:\n"
    for i in 1...count {
        let mac = [i >> 16, i >> 8, i].map { String(format: "%02x", $0 & 0xff) }.joined(separator: ":")
        text += "  - vni: 10\n    mac: 02:99:00:\(mac)\n    ips: [10.99.\((i >> 8) & 0xff).\(i & 0xff)]\n    port: 1\n"
    }
    return text
}

/// One reload as the reloading agent of the churn drill pays it, with no
/// I/O but the file's: the file read and checked, the routes to
/// advertise, the flows that change, the switch's shadow given them, and
/// every FLOW_MOD encoded in batches as the controller sends them. What
/// is left of the drill's time is the other hosts' and the switches'.
let reloadBenchmarks: @Sendable () -> Void = {
    let endpoints = 10_000
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-reload-bench-\(getpid())")
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal,
                                      .custom("read ms", useScalingFactor: false),
                                      .custom("routes ms", useScalingFactor: false),
                                      .custom("flows ms", useScalingFactor: false),
                                      .custom("switch ms", useScalingFactor: false)]
    for present in [true, false] {
        let name = "reload: \(endpoints) static endpoints \(present ? "added" : "removed") -> FLOW_MODs encoded"
        Benchmark(name, configuration: .init(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 15)) { benchmark in
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let with = directory.appendingPathComponent("with.yaml").path, without = directory.appendingPathComponent("without.yaml").path
            try churnConfiguration(endpoints: endpoints).write(toFile: with, atomically: true, encoding: .utf8)
            try churnConfiguration(endpoints: 0).write(toFile: without, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: directory) }
            let (from, to) = present ? (without, with) : (with, without)
            let clock = ContinuousClock()
            func milliseconds(_ duration: Duration) -> Int { Int(duration / .milliseconds(1)) }
            for _ in benchmark.scaledIterations {
                // The agent as it runs before the reload, its switch in step.
                let before = try AgentConfiguration.load(path: from)
                var core = AgentCore(settings: before.coreSettings)
                core.setPorts(before.staticPorts["br0"] ?? .init(), bridge: "br0")
                var shadow = FlowShadow()
                _ = core.takeFlowUpdates()
                // The switch holds them all (its dump), so nothing is pending before the reload.
                let installed = core.tables("br0")?.flows ?? FlowTable()
                _ = shadow.reconcile(dump: installed.entries, wanted: installed, owner: .swiftplane)
                let flowsBefore = shadow.wantedCount
                blackHole(core.advertisements.count)

                benchmark.startMeasurement()
                let start = clock.now
                let next = try AgentConfiguration.load(path: to)
                let read = clock.now
                core.reconfigure(next.coreSettings)
                core.setPorts(next.staticPorts["br0"] ?? .init(), bridge: "br0")
                blackHole(core.advertisements.count)
                let routed = clock.now
                let updates = core.takeFlowUpdates()
                let computed = clock.now
                for (_, update) in updates { shadow.apply(update.flows) }
                var bytes = ByteBuffer()
                let now = ContinuousClock.now
                while let batch = shadow.nextBatch(limit: OpenFlowController.Configuration().flowModsPerBatch, at: now) {
                    for flowMod in batch.flowMods { try? OpenFlowEnvelope(xid: 1, .flowMod(flowMod)).encode(into: &bytes) }
                    shadow.confirm(batch, at: now)
                    bytes.clear()
                }
                let sent = clock.now
                benchmark.stopMeasurement()
                benchmark.measurement(.custom("read ms", useScalingFactor: false), milliseconds(read - start))
                benchmark.measurement(.custom("routes ms", useScalingFactor: false), milliseconds(routed - read))
                benchmark.measurement(.custom("flows ms", useScalingFactor: false), milliseconds(computed - routed))
                benchmark.measurement(.custom("switch ms", useScalingFactor: false), milliseconds(sent - computed))
                // Five flows a local endpoint (and its port's): a run that did less would not count.
                guard abs(shadow.wantedCount - flowsBefore) >= 5 * endpoints, shadow.pendingCount == 0 else {
                    fatalError("the shadow went from \(flowsBefore) to \(shadow.wantedCount) flows, \(shadow.pendingCount) pending")
                }
                blackHole(core)
            }
        }
    }
}
