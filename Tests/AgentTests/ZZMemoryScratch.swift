import Agent
import BGP
import Foundation
import OpenFlowTables
import Overlay
import Packets
import Testing

func scratchRSS() -> Int {
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
        _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
    }
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = Int(text.split(separator: " ")[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

@Test(.enabled(if: ProcessInfo.processInfo.environment["SCRATCH_MEMORY"] != nil)) func scratchMemory() {
    let n = 100_000
    let vni = VNI(rawValue: 10)!
    let instance = EVPNInstance.automatic(vni: vni, asn: 65000)!
    var core = AgentCore(settings: .init(vtep: IPv4Address(10, 0, 0, 1), tenants: [.init(instance: instance)], vxlanPorts: ["br0": 100]))
    func endpoint(_ n: Int, port: UInt32) -> Endpoint {
        Endpoint(vni: vni, mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(n)),
                 ipv4: [IPv4Address(rawValue: 0x0a00_0000 | UInt32(n))], location: .local(port: port))
    }
    let locals = (1...100).map { endpoint($0, port: UInt32($0)) }
    core.setPorts(.init(ports: Dictionary(uniqueKeysWithValues: locals.map { (UInt32($0.mac.rawValue & 0xffff), vni) }), endpoints: locals), bridge: "br0")
    let rBase = scratchRSS()
    var paths: [EVPNPath]? = EVPNRoutes.advertisements(endpoints: (0..<n).map { endpoint(100_000 + $0, port: 1) }, instances: [instance], vtep: IPv4Address(10, 0, 0, 2))
    let r0 = scratchRSS()
    core.setReceivedRoutes(paths!, at: .now)
    let r1 = scratchRSS()
    paths = nil
    let r1b = scratchRSS()
    var updates: [String: BridgeFlowUpdate]? = core.takeFlowUpdates()
    let r2 = scratchRSS()
    var shadow = FlowShadow()
    for (_, u) in updates! { shadow.apply(u.flows) }
    let r3 = scratchRSS()
    updates = nil
    let r4 = scratchRSS()
    print("SCRATCH sizes: EVPNRoute \(MemoryLayout<EVPNRoute>.stride) Endpoint \(MemoryLayout<Endpoint>.stride) EndpointKey \(MemoryLayout<EndpointKey>.stride) FlowEntry \(MemoryLayout<FlowEntry>.stride) FlowKey \(MemoryLayout<FlowKey>.stride) IPAddress? \(MemoryLayout<IPAddress?>.stride)")
    print("SCRATCH total live (core+shadow) \((r4 - rBase) / n)")
    print("SCRATCH paths \((r0 - rBase) / n) routes-net \((r1b - rBase) / n) state \(MemoryLayout<BridgeState>.size)")
    print("SCRATCH per endpoint: routes \((r1 - r0) / n) (paths freed: \((r1b - r0) / n)); bridge state+updates \((r2 - r1b) / n); shadow \((r3 - r2) / n); after updates freed: state+shadow \((r4 - r1b) / n)")
    withExtendedLifetime((core, shadow)) {}
}
