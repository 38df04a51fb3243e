import Agent
import Foundation
import BGP
import Benchmark
import NIOCore
import OpenFlow
import OpenFlowController
import Overlay
import Packets

/// A host with `local` configured endpoints on ports 1..., and `remote`
/// endpoints received from another VTEP (its own advertisements).
func agent(local: Int, remote: Int) -> AgentCore {
    let vni = VNI(rawValue: 10)!
    let instance = EVPNInstance.automatic(vni: vni, asn: 65000)!
    var core = AgentCore(settings: .init(vtep: .v4(IPv4Address(10, 0, 0, 1)), tenants: [.init(instance: instance)],
                                         vxlanPorts: ["br0": 100]))
    func endpoint(_ n: Int, port: UInt32) -> Endpoint {
        Endpoint(vni: vni, mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(n)),
                 ipv4: [IPv4Address(rawValue: 0x0a00_0000 | UInt32(n))], location: .local(port: port))
    }
    let locals = (1...max(1, local)).map { endpoint($0, port: UInt32($0)) }
    core.setPorts(.init(ports: Dictionary(uniqueKeysWithValues: locals.map { (UInt32($0.mac.rawValue & 0xffff), vni) }),
                        endpoints: locals), bridge: "br0")
    let remotes = (0..<remote).map { endpoint(100_000 + $0, port: 1) }
    core.setReceivedRoutes(EVPNRoutes.advertisements(endpoints: remotes, instances: [instance], vtep: .v4(IPv4Address(10, 0, 0, 2))), at: .now)
    return core
}

func arpPacketIn(asking target: IPv4Address) -> PacketIn {
    let frame = FrameBuilder.arpRequest(senderHardwareAddress: EthernetAddress(rawValue: 0x0200_0000_0001),
                                        senderAddress: IPv4Address(rawValue: 0x0a00_0001), target: target)
    return PacketIn(totalLength: UInt16(frame.readableBytes), reason: 0, tableID: 20, cookie: 0,
                    match: Match([OXMField(.inPort, 1)]), data: frame)
}

let benchmarks: @Sendable () -> Void = {
    memoryBenchmarks()
    reloadBenchmarks()
    bulkBenchmarks()
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 20)

    // The controller answering an ARP request for a remote endpoint (a host of 100 local, 1000 remote endpoints).
    Benchmark("packet-in: ARP request answered (100 local, 1000 remote)", configuration: configuration) { benchmark in
        var core = agent(local: 100, remote: 1000)
        let packetIn = arpPacketIn(asking: IPv4Address(rawValue: 0x0a00_0000 | 100_500))
        for _ in benchmark.scaledIterations { blackHole(core.handlePacketIn(packetIn, bridge: "br0", at: .now)) }
    }

    // What every change costs: the bridge state and its flow table.
    Benchmark("bridge state + Pipeline.flows (100 local, 1000 remote)",
              configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: .one, maxDuration: .seconds(3))) { benchmark in
        let core = agent(local: 100, remote: 1000)
        for _ in benchmark.scaledIterations {
            guard let state = core.bridgeState("br0") else { return }
            blackHole(Pipeline.flows(for: state))
        }
    }

    // One remote endpoint moves to another VTEP: its route in, the flow
    // changes out. Flat in the number of remote endpoints installed.
    for remote in [1_000, 100_000] {
        Benchmark("one route changed -> flow changes (\(remote) remote)",
                  configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo,
                                       maxDuration: .seconds(3))) { benchmark in
            var core = agent(local: 100, remote: remote)
            _ = core.takeFlowUpdates()
            let instance = EVPNInstance.automatic(vni: VNI(rawValue: 10)!, asn: 65000)!
            let moved = Endpoint(vni: instance.vni, mac: EthernetAddress(rawValue: 0x0200_0000_0000 | 100_007),
                                 ipv4: [IPv4Address(rawValue: 0x0a00_0000 | 100_007)], location: .local(port: 1))
            let routes = [VTEP.v4(IPv4Address(10, 0, 0, 3)), .v4(IPv4Address(10, 0, 0, 2))].map { vtep in
                EVPNRoutes.advertisements(endpoints: [moved], instances: [instance], vtep: vtep, mobility: [moved.key: 1])[0]
            }
            benchmark.startMeasurement()
            for n in benchmark.scaledIterations {
                // RDs differ per VTEP: announce at one, withdraw at the other.
                let (new, old) = (routes[n % 2], routes[(n + 1) % 2])
                core.applyReceivedRoutes([(old.route, nil), (new.route, new)], at: .now)
                blackHole(core.takeFlowUpdates())
            }
        }
    }

    // Received routes in, remote endpoints and mobility out (1000 routes).
    Benchmark("received routes -> remote endpoints (1000 routes)",
              configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: .one, maxDuration: .seconds(3))) { benchmark in
        var core = agent(local: 100, remote: 0)
        let instance = EVPNInstance.automatic(vni: VNI(rawValue: 10)!, asn: 65000)!
        let remotes = (0..<1000).map { n in
            Endpoint(vni: instance.vni, mac: EthernetAddress(rawValue: 0x0200_0001_0000 | UInt64(n)), location: .local(port: 1))
        }
        let routes = EVPNRoutes.advertisements(endpoints: remotes, instances: [instance], vtep: .v4(IPv4Address(10, 0, 0, 2)))
        for _ in benchmark.scaledIterations { core.setReceivedRoutes(routes, at: .now) }
    }
}

/// Resident bytes, after glibc gave back what it could (as the agent does
/// after large flow changes), so a figure is what is held.
func residentBytes() -> Int {
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
        _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
    }
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = Int(text.split(separator: " ")[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

let memoryBenchmarks: @Sendable () -> Void = {
    // What one remote endpoint costs an agent: its route imported (core),
    // and its flows as the controller keeps them (the shadow of the switch).
    // The RIB's share is the reflector's per-route figure (BGPBenchmarks).
    for remote in [10_000, 100_000] {
        Benchmark("memory per remote endpoint, flows included (\(remote) remote)",
                  configuration: .init(metrics: [.custom("core bytes/endpoint", useScalingFactor: false),
                                                 .custom("flow bytes/endpoint", useScalingFactor: false),
                                                 .custom("flows/endpoint x100", useScalingFactor: false)],
                                       scalingFactor: .one, maxDuration: .seconds(1), maxIterations: 1)) { benchmark in
            let before = residentBytes()
            var core = agent(local: 100, remote: remote)
            let withCore = residentBytes()
            var shadow = FlowShadow()
            var flows = 0
            for (_, update) in core.takeFlowUpdates() {
                shadow.apply(update.flows)
                flows += update.flows.count
            }
            let withFlows = residentBytes()
            benchmark.measurement(.custom("core bytes/endpoint", useScalingFactor: false), (withCore - before) / remote)
            benchmark.measurement(.custom("flow bytes/endpoint", useScalingFactor: false), (withFlows - withCore) / remote)
            benchmark.measurement(.custom("flows/endpoint x100", useScalingFactor: false), flows * 100 / remote)
            blackHole((core, shadow))
        }
    }
}

let bulkBenchmarks: @Sendable () -> Void = {
    // 100,000 routes at once, as the agent meets them: imported one by one,
    // the flows they change, taken into the controller's shadow of the switch,
    // and every FLOW_MOD encoded. What is left of the bulk time is the switch's.
    Benchmark("100,000 routes at once -> FLOW_MODs encoded",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], scalingFactor: .one,
                                   maxDuration: .seconds(30), maxIterations: 3)) { benchmark in
        let instance = EVPNInstance.automatic(vni: VNI(rawValue: 10)!, asn: 65000)!
        let remotes = (0..<100_000).map { n in
            Endpoint(vni: instance.vni, mac: EthernetAddress(rawValue: 0x0200_0001_0000 | UInt64(n)),
                     ipv4: [IPv4Address(rawValue: 0x0a01_0000 | UInt32(n))], location: .local(port: 1))
        }
        let paths = EVPNRoutes.advertisements(endpoints: remotes, instances: [instance], vtep: .v4(IPv4Address(10, 0, 0, 2)))
        for _ in benchmark.scaledIterations {
            var core = agent(local: 100, remote: 0)
            var shadow = FlowShadow()
            let bridges = core.takeFlowUpdates().keys
            // The switch holds the host's own flows (its dump): only the routes' flows are sent.
            let installed = bridges.first.flatMap { core.tables($0)?.flows } ?? FlowTable()
            _ = shadow.reconcile(dump: installed.entries, wanted: installed, owner: .swiftplane)
            benchmark.startMeasurement()
            core.applyReceivedRoutes(paths.map { ($0.route, $0) }, at: .now)
            for (_, update) in core.takeFlowUpdates() { shadow.apply(update.flows) }
            var bytes = ByteBuffer()
            let now = ContinuousClock.now
            while let batch = shadow.nextBatch(limit: 20_000, at: now) {
                for flowMod in batch.flowMods { try? OpenFlowEnvelope(xid: 1, .flowMod(flowMod)).encode(into: &bytes) }
                shadow.confirm(batch, at: now)
                bytes.clear()
            }
            benchmark.stopMeasurement()
            blackHole(core)
        }
    }
}
