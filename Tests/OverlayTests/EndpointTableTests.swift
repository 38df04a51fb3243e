import Overlay
import Packets
import Testing
import TestSupport

@Suite("EndpointTable: compact endpoints read back as they were stored")
struct EndpointTableTests {
    @Test("random upserts and removals agree with a dictionary at every step", arguments: [1, 2, 3, 4] as [UInt64])
    func againstDictionary(seed: UInt64) {
        var g = SplitMix64(state: seed)
        var table = EndpointTable()
        var reference: [EndpointKey: Endpoint] = [:]
        for step in 0..<2_000 {
            let endpoint = SmallUniverse.endpoint(&g)
            if Int.random(in: 0..<3, using: &g) == 0 {
                table[endpoint.key] = nil
                reference[endpoint.key] = nil
            } else {
                table[endpoint.key] = endpoint
                reference[endpoint.key] = endpoint
            }
            #expect(table[endpoint.key] == reference[endpoint.key], "seed \(seed) step \(step)")
            #expect(table.count == reference.count)
        }
        #expect(Set(table.keys) == Set(reference.keys))
        #expect(Set(table.values) == Set(reference.values))
        for (key, endpoint) in reference { #expect(table[key] == endpoint) }
        // Equal tables hash alike, whatever order or VTEP numbers they were built with.
        var rebuilt = EndpointTable()
        for endpoint in reference.values.sorted(by: { $0.key > $1.key }) { rebuilt[endpoint.key] = endpoint }
        #expect(rebuilt == table && rebuilt.hashValue == table.hashValue)
        if let any = reference.values.first {
            var other = rebuilt
            other[any.key] = Endpoint(vni: any.vni, mac: any.mac, location: .local(port: 99))
            #expect(other != table)
        }
    }

    static let shapes: [Endpoint] = [
        Endpoint(vni: VNI(rawValue: 10)!, mac: SmallUniverse.mac(1), location: .local(port: 3)),
        Endpoint(vni: VNI(rawValue: 10)!, mac: SmallUniverse.mac(2), ipv4: [SmallUniverse.ip(1)], location: .remote(vtep: SmallUniverse.vteps[0])),
        Endpoint(vni: VNI(rawValue: 10)!, mac: SmallUniverse.mac(3), ipv4: [SmallUniverse.ip(1), SmallUniverse.ip(2)],
                 location: .remote(vtep: SmallUniverse.vteps[4])),
        Endpoint(vni: VNI(rawValue: 11)!, mac: SmallUniverse.mac(3), ipv4: [SmallUniverse.ip(2)], ipv6: [SmallUniverse.ip6(0)],
                 location: .local(port: 0xffff_fff0)),
        Endpoint(vni: VNI(rawValue: 11)!, mac: SmallUniverse.mac(4), ipv6: [SmallUniverse.ip6(0), SmallUniverse.ip6(1)],
                 location: .remote(vtep: SmallUniverse.vteps[5])),
        Endpoint(vni: VNI(rawValue: 11)!, mac: SmallUniverse.mac(5), ipv4: [IPv4Address(rawValue: 0)], location: .local(port: 0)),
    ]

    @Test("each shape of endpoint comes back whole, and goes when replaced by another shape", arguments: shapes)
    func shape(endpoint: Endpoint) {
        var table = EndpointTable()
        table[endpoint.key] = endpoint
        #expect(table[endpoint.key] == endpoint)
        for other in Self.shapes {
            var replaced = table
            let moved = Endpoint(vni: endpoint.vni, mac: endpoint.mac, ipv4: other.ipv4, ipv6: other.ipv6, location: other.location)
            replaced[endpoint.key] = moved
            #expect(replaced[endpoint.key] == moved)
            #expect(replaced.count == 1)
        }
    }
}
