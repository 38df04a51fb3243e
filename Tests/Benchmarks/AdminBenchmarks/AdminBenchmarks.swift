import AdminAPI
import BGP
import BGPSpeaker
import Benchmark
import SpeakerAdmin

/// 10,000 type-2 paths as a reflector holds them (one attribute set, one peer).
let paths: [RIBPath] = (0..<10_000).map { n in
    let nlri = NLRI.evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
        rd: .ipv4(IPv4Address(10, 0, 0, 2), 10), mac: EthernetAddress(rawValue: 0x0200_0000_0000 | UInt64(n)),
        ip: .v4(IPv4Address(rawValue: 0x0a00_0000 | UInt32(n))), label1: .vni(10))))
    let attributes = PathAttributes([PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
                                     PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: 10)), .vxlanEncapsulation]))])
    return RIBPath(nlri: nlri, peer: PeerID(1), attributes: RouteAttributes(attributes: attributes, nextHop: [10, 0, 0, 2]),
                   best: true, stale: false)
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 20)

    // What `GET /routes` does past the speaker: every path to a report, the lot to JSON.
    Benchmark("GET /routes body: 10,000 type-2 paths to reports and JSON", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let reports = paths.map { RouteReport($0, fromPeer: "10.0.0.2") }
            blackHole(try AdminResponse.json(reports).body.count)
        }
    }

    // What swiftplanectl does with it: parse the answer back.
    let body = (try? AdminResponse.json(paths.map { RouteReport($0, fromPeer: "10.0.0.2") }).body) ?? []
    Benchmark("swiftplanectl side: HTTP response of 10,000 routes parsed", configuration: configuration) { benchmark in
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        for _ in benchmark.scaledIterations {
            blackHole(try HTTPResponse(parsing: response).body.count)
        }
    }
}
