import Testing

/// `deploy/demo-topology`, the one declaration the script and these tests
/// share: every line a host or a container, each container on a declared
/// host, no name twice. (No demo needed: it reads the file only.)
struct DemoTopologyFileTests {
    @Test func everyLineIsAHostOrAContainer() {
        let declared = DemoTopology.declared
        #expect(declared.count == DemoTopology.hosts.count + DemoTopology.endpoints.count,
                "a line that is neither `host NAME VTEP4 VTEP6` nor `container NAME HOST VNI IP OFPORT`: \(declared)")
        #expect(!DemoTopology.hosts.isEmpty && !DemoTopology.endpoints.isEmpty, "\(declared)")
        for endpoint in DemoTopology.endpoints {
            #expect(DemoTopology.hosts.contains(endpoint.host), "\(endpoint.container) on an undeclared host \(endpoint.host)")
            #expect(endpoint.ip.split(separator: ".").compactMap { UInt8($0) }.count == 4, "\(endpoint.container): \(endpoint.ip)")
        }
        let names = DemoTopology.hosts + DemoTopology.endpoints.map(\.container)
        #expect(Set(names).count == names.count, "a name declared twice: \(names)")
        #expect(DemoTopology.vteps.count == DemoTopology.hosts.count)
    }
}
