import BGP
import Benchmark
import NIOCore

/// An UPDATE as an agent sends it for 100 endpoints of one VNI: 100 EVPN
/// type-2 NLRI in one MP_REACH_NLRI, with RT and VXLAN encapsulation.
func hundredEndpointUpdate() -> BGPMessage {
    let vtep = IPv4Address(10, 0, 0, 1)
    let routes: [NLRI] = (0..<100).map { i in
        .evpn(.macIPAdvertisement(MACIPAdvertisementRoute(
            rd: .ipv4(vtep, 5), mac: EthernetAddress(rawValue: 0x5254_0000_0000 | UInt64(i)),
            ip: .v4(IPv4Address(rawValue: 0x0a01_0000 | UInt32(i))), label1: .vni(10000))))
    }
    return .update(Update(attributes: PathAttributes([
        PathAttribute(flags: [.optional, .extendedLength], value: .mpReachNLRI(MPReachNLRI(family: .l2vpnEVPN, nextHop: .v4(vtep), nlri: routes)))
        , PathAttribute(.origin(.igp)), PathAttribute(.asPath(ASPath())), PathAttribute(.localPref(100)),
        PathAttribute(.extendedCommunities([.routeTarget(.twoOctetAS(asn: 65000, value: 10000)), .vxlanEncapsulation])),
    ])))
}

let benchmarks: @Sendable () -> Void = {
    let message = hundredEndpointUpdate()
    let bytes = message.encoded()
    // Each iteration is one UPDATE of 100 NLRI: NLRI per second = 100 x the throughput.
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 50
    )

    Benchmark("UPDATE decode, 100 EVPN type-2 NLRI", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? BGPMessage.decode(bytes))
        }
    }

    Benchmark("UPDATE encode, 100 EVPN type-2 NLRI", configuration: configuration) { benchmark in
        var out = ByteBufferAllocator().buffer(capacity: 8192)
        for _ in benchmark.scaledIterations {
            out.clear()
            message.encode(into: &out)
            blackHole(out.readableBytes)
        }
    }

    Benchmark("Stream split + decode, 100 EVPN type-2 NLRI", configuration: configuration) { benchmark in
        var stream = MessageStreamDecoder()
        for _ in benchmark.scaledIterations {
            stream.append(bytes)
            while let frame = try? stream.next() { blackHole(try? BGPMessage.decode(frame)) }
        }
    }

    RouteTargetConstraintBenchmarks.register()
}
