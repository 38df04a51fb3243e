import BGP
import BGPSpeaker
import Foundation
import OVSDB
import OpenFlow
import OpenFlowController
import Overlay
import Testing
import TestSupport
@testable import AgentConfiguration
@testable import swiftplane_agent

/// A valid base; each bad case below replaces or appends lines.
let base = """
vtep: 10.0.0.1
as: 65000
bridges:
  - name: br0
    vxlan-port: 100
vnis:
  - vni: 10
"""

struct AgentConfigurationTests {
    struct Bad: NamedRow {
        var name: String
        var yaml: String
        var expected: String
    }

    static let bad: [Bad] = [
        Bad(name: "empty file", yaml: "", expected: "t.yaml: the file is empty"),
        Bad(name: "not YAML", yaml: "vtep: [1, 2", expected: "t.yaml: not valid YAML"),
        Bad(name: "top is a list", yaml: "- 1\n- 2", expected: "t.yaml: invalid value '[1, 2]': expected a mapping, found a list"),
        Bad(name: "missing vtep", yaml: "as: 65000\nbridges: []\nvnis: []",
            expected: "t.yaml: vtep: missing required field"),
        Bad(name: "bad vtep", yaml: base.replacingOccurrences(of: "10.0.0.1", with: "10.0.0.300"),
            expected: "t.yaml: vtep: invalid value '10.0.0.300': expected an IPv4 or IPv6 address"),
        Bad(name: "IPv6 vtep without a router id", yaml: base.replacingOccurrences(of: "10.0.0.1", with: "fd00:9::2"),
            expected: "t.yaml: vtep: the vtep fd00:9::2 is IPv6: router-id (an IPv4 address) is required"),
        Bad(name: "AS zero", yaml: base.replacingOccurrences(of: "as: 65000", with: "as: 0"),
            expected: "t.yaml: as: invalid value '0': expected the AS number, an integer 1-4294967295"),
        Bad(name: "AS text", yaml: base.replacingOccurrences(of: "as: 65000", with: "as: big"),
            expected: "t.yaml: as: invalid value 'big': expected the AS number, an integer 1-4294967295"),
        Bad(name: "bad router id", yaml: base + "\nrouter-id: fd00::1",
            expected: "t.yaml: router-id: invalid value 'fd00::1': expected an IPv4 router id"),
        Bad(name: "unknown top key", yaml: base + "\nvtpe: 10.0.0.2", expected: "t.yaml: vtpe: invalid value '10.0.0.2': unknown field; did you mean 'vtep'? known: "),
        Bad(name: "unknown bridge key", yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    vxlan: 3"),
            expected: "t.yaml: bridges[0].vxlan: invalid value '3': unknown field; known: "),
        Bad(name: "no bridges", yaml: "vtep: 10.0.0.1\nas: 65000\nbridges: []\nvnis: []",
            expected: "t.yaml: bridges: at least one bridge is needed"),
        Bad(name: "VXLAN port zero", yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 0"),
            expected: "t.yaml: bridges[0].vxlan-port: invalid value '0': expected the VXLAN port's ofport, an integer 1-4294967039"),
        Bad(name: "two bridges without datapath ids",
            yaml: base.replacingOccurrences(of: "vnis:", with: "  - name: br1\n    vxlan-port: 100\nvnis:"),
            expected: "t.yaml: bridges[0].datapath-id: required when there is more than one bridge and the bridge has no ovsdb to read it from (bridge 'br0')"),
        Bad(name: "two bridges with one datapath id",
            yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    datapath-id: 0a")
                .replacingOccurrences(of: "vnis:", with: "  - name: br1\n    vxlan-port: 100\n    datapath-id: 0x0A\nvnis:"),
            expected: "t.yaml: bridges[1].datapath-id: 000000000000000a is already bridge 'br0's"),
        Bad(name: "relative state file", yaml: base + "\nstate-file: state.json",
            expected: "t.yaml: state-file: invalid value 'state.json': the state file is an absolute file path, or none"),
        Bad(name: "state file is a folder", yaml: base + "\nstate-file: /var/lib/swiftplane-agent/",
            expected: "t.yaml: state-file: invalid value '/var/lib/swiftplane-agent/': the state file is an absolute file path, or none"),
        Bad(name: "duplicate bridge", yaml: base.replacingOccurrences(of: "vnis:", with: "  - name: br0\n    vxlan-port: 1\nvnis:"),
            expected: "t.yaml: bridges[1].name: bridge 'br0' is listed twice"),
        Bad(name: "bad datapath id",
            yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    datapath-id: xyz"),
            expected: "t.yaml: bridges[0].datapath-id: invalid value 'xyz': expected a datapath id: up to 16 hex digits such as 0000aabbccddeeff, 0x optional"),
        Bad(name: "VNI too big", yaml: base + "\n  - vni: 16777216",
            expected: "t.yaml: vnis[1].vni: invalid value '16777216': expected the VNI, an integer 1-16777215"),
        Bad(name: "VNI twice", yaml: base + "\n  - vni: 10", expected: "t.yaml: vnis[1].vni: VNI 10 is listed twice"),
        Bad(name: "VNIs share low 16 bits", yaml: base + "\n  - vni: 65546",
            expected: "t.yaml: vnis[1].vni: VNI 65546 agrees with VNI 10 in its low 16 bits: both would use route distinguisher 10.0.0.1:10"),
        Bad(name: "bad route target", yaml: base + "\n  - vni: 20\n    route-target: 65000-20",
            expected: "t.yaml: vnis[1].route-target: invalid value '65000-20': a route target is ASN:VALUE or IPv4:VALUE"),
        Bad(name: "route target value too big for 4-octet AS", yaml: base + "\n  - vni: 20\n    route-target: 4200000000:70000",
            expected: "t.yaml: vnis[1].route-target: invalid value '4200000000:70000': with a 4-octet AS the value must fit 16 bits"),
        Bad(name: "4-octet AS without route target", yaml: base.replacingOccurrences(of: "as: 65000", with: "as: 4200000000"),
            expected: "t.yaml: vnis[0].route-target: required with a 4-octet AS (4200000000): AS:VNI does not fit"),
        Bad(name: "one route target on two VNIs", yaml: base + "\n  - vni: 20\n    route-target: 65000:10",
            expected: "t.yaml: vnis[1].route-target: route target 65000:10 is already VNI 10's: a route target must name one tenant"),
        Bad(name: "one route target on two VNIs, the second automatic", yaml: base.replacingOccurrences(of: "  - vni: 10", with: "  - vni: 10\n    route-target: 65000:20") + "\n  - vni: 20",
            expected: "t.yaml: vnis[1].vni: route target 65000:20 is already VNI 10's: a route target must name one tenant"),
        Bad(name: "bad flood mode", yaml: base + "\n    flood: flood",
            expected: "t.yaml: vnis[0].flood: invalid value 'flood': expected one of drop, ingress-replication"),
        Bad(name: "bad log level", yaml: base + "\nlog-level: loud",
            expected: "t.yaml: log-level: invalid value 'loud': expected one of trace, debug, info, notice, warning, error, critical"),
        Bad(name: "bad route reflector", yaml: base + "\nroute-reflectors:\n  - address: rr.example",
            expected: "t.yaml: route-reflectors[0].address: invalid value 'rr.example': expected an IP address"),
        Bad(name: "IPv6 route reflector with a zone", yaml: base + "\nroute-reflectors:\n  - address: fe80::1%eth0",
            expected: "t.yaml: route-reflectors[0].address: invalid value 'fe80::1%eth0': expected an IP address"),
        Bad(name: "route reflector port", yaml: base + "\nroute-reflectors:\n  - address: 10.0.0.254\n    port: 70000",
            expected: "t.yaml: route-reflectors[0].port: invalid value '70000': expected the port, an integer 1-65535"),
        Bad(name: "route reflector password too long", yaml: base + "\nroute-reflectors:\n  - address: 10.0.0.254\n    password: \(String(repeating: "k", count: 81))",
            expected: "t.yaml: route-reflectors[0].password: invalid value '(hidden, 81 octets)': at most 80 octets (Linux TCP_MD5SIG_MAXKEYLEN)"),
        Bad(name: "listen without port", yaml: base + "\ncontroller:\n  listen: 127.0.0.1",
            expected: "t.yaml: controller.listen: invalid value '127.0.0.1': expected HOST:PORT, [IPv6]:PORT or unix:/PATH"),
        Bad(name: "listen on a name", yaml: base + "\ncontroller:\n  listen: localhost:6653",
            expected: "t.yaml: controller.listen: invalid value 'localhost:6653': the host must be an IP address"),
        Bad(name: "plain TCP controller off loopback", yaml: base + "\ncontroller:\n  listen: 0.0.0.0:6653",
            expected: "t.yaml: controller.listen: invalid value '0.0.0.0:6653': not a loopback address: plain TCP to the controller has no authentication; "
                + "allow it explicitly to listen there (allow-non-loopback: true), or use tls"),
        Bad(name: "plain TCP controller on a host address", yaml: base + "\ncontroller:\n  listen: '[fd00::1]:6653'\n  allow-non-loopback: false",
            expected: "t.yaml: controller.listen: invalid value '[fd00::1]:6653': not a loopback address: plain TCP to the controller has no authentication; "
                + "allow it explicitly to listen there (allow-non-loopback: true), or use tls"),
        Bad(name: "endpoint in unknown VNI", yaml: base + "\nendpoints:\n  - vni: 11\n    mac: 02:00:00:00:00:01\n    port: 1",
            expected: "t.yaml: endpoints[0].vni: VNI 11 is not configured under vnis"),
        Bad(name: "endpoint multicast MAC", yaml: base + "\nendpoints:\n  - vni: 10\n    mac: 01:00:5e:00:00:01\n    port: 1",
            expected: "t.yaml: endpoints[0].mac: invalid value '01:00:5e:00:00:01': an endpoint needs a unicast MAC address"),
        Bad(name: "endpoint bad IP", yaml: base + "\nendpoints:\n  - vni: 10\n    mac: 02:00:00:00:00:01\n    ips: [10.1.1]\n    port: 1",
            expected: "t.yaml: endpoints[0].ips[0]: invalid value '10.1.1': expected an IP address"),
        Bad(name: "endpoint on the VXLAN port", yaml: base + "\nendpoints:\n  - vni: 10\n    mac: 02:00:00:00:00:01\n    port: 100",
            expected: "t.yaml: endpoints[0].port: port 100 is the bridge's VXLAN port"),
        Bad(name: "endpoint missing port", yaml: base + "\nendpoints:\n  - vni: 10\n    mac: 02:00:00:00:00:01",
            expected: "t.yaml: endpoints[0].port: missing required field"),
        Bad(name: "one port in two VNIs",
            yaml: base + "\n  - vni: 20\nendpoints:\n  - vni: 10\n    mac: 02:00:00:00:00:01\n    port: 1\n  - vni: 20\n    mac: 02:00:00:00:00:02\n    port: 1",
            expected: "t.yaml: endpoints[1].port: port 1 of bridge 'br0' is already in VNI 10, not 20"),
        Bad(name: "endpoint on unknown bridge",
            yaml: base + "\nendpoints:\n  - vni: 10\n    mac: 02:00:00:00:00:01\n    port: 1\n    bridge: br9",
            expected: "t.yaml: endpoints[0].bridge: invalid value 'br9': no bridge of that name"),
        Bad(name: "bad OVSDB endpoint", yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    ovsdb: db.sock"),
            expected: "t.yaml: bridges[0].ovsdb: invalid value 'db.sock': an OVSDB endpoint is unix:PATH, tcp:HOST:PORT or /PATH"),
        Bad(name: "BGP listen port", yaml: base + "\nbgp-listen: 127.0.0.1:99999",
            expected: "t.yaml: bgp-listen: invalid value '127.0.0.1:99999': the listen port must be in 0...65535"),
        // An IPv6 host without brackets: which colon starts the port?
        Bad(name: "BGP listen IPv6 without brackets", yaml: base + "\nbgp-listen: '::1:179'",
            expected: "t.yaml: bgp-listen: invalid value '::1:179': an IPv6 host goes in brackets: [IPV6]:PORT"),
        Bad(name: "OVSDB IPv6 without brackets", yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    ovsdb: 'tcp:::1:6640'"),
            expected: "t.yaml: bridges[0].ovsdb: invalid value 'tcp:::1:6640': an OVSDB endpoint is unix:PATH, tcp:HOST:PORT or /PATH"),
        Bad(name: "duplicate key", yaml: base + "\nas: 65001", expected: "t.yaml: not valid YAML: Parser: expected all keys to be unique"),
        Bad(name: "port security not a boolean", yaml: base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    port-security: on"),
            expected: "t.yaml: bridges[0].port-security: invalid value 'on': expected true or false"),
        Bad(name: "graceful restart not a boolean", yaml: base + "\ngraceful-restart:\n  enabled: yes-please",
            expected: "t.yaml: graceful-restart.enabled: invalid value 'yes-please': expected true or false"),
        Bad(name: "restart time too long", yaml: base + "\ngraceful-restart:\n  restart-time: 5000",
            expected: "t.yaml: graceful-restart.restart-time: invalid value '5000': expected the restart time in seconds, an integer 1-4095"),
        Bad(name: "selection deferral zero", yaml: base + "\ngraceful-restart:\n  selection-deferral-time: 0",
            expected: "t.yaml: graceful-restart.selection-deferral-time: invalid value '0': expected the selection deferral time in seconds, an integer 1-3600"),
        Bad(name: "TLS certificate missing", yaml: base + "\ncontroller:\n  tls:\n    certificate: /nonexistent/ctl.pem\n    private-key: /nonexistent/ctl.key\n    ca-certificate: /nonexistent/ca.pem",
            expected: "t.yaml: controller.tls.certificate: certificate '/nonexistent/ctl.pem': not a readable PEM certificate file"),
        Bad(name: "TLS without CA", yaml: base + "\ncontroller:\n  tls:\n    certificate: /c.pem\n    private-key: /c.key",
            expected: "t.yaml: controller.tls.ca-certificate: missing required field"),
        Bad(name: "graceful restart unknown key", yaml: base + "\ngraceful-restart:\n  helper: true",
            expected: "t.yaml: graceful-restart.helper: invalid value 'true': unknown field; known: "),
        Bad(name: "negative expiry", yaml: base + "\ngleaned-expiry: -1",
            expected: "t.yaml: gleaned-expiry: invalid value '-1': expected seconds (0: never), an integer 0-31536000"),
        Bad(name: "meter rate text", yaml: base + "\ncontroller:\n  address-resolution-rate: fast",
            expected: "t.yaml: controller.address-resolution-rate: invalid value 'fast': expected packets per second (0: no meter), an integer 0-1000000"),
        Bad(name: "zero moves", yaml: base + "\nduplicate-mac:\n  max-moves: 0",
            expected: "t.yaml: duplicate-mac.max-moves: invalid value '0': expected a number of moves, an integer 1-1000000"),
        Bad(name: "unknown duplicate-mac key", yaml: base + "\nduplicate-mac:\n  moves: 3",
            expected: "t.yaml: duplicate-mac.moves: invalid value '3': unknown field; known: "),
        Bad(name: "BMP without reflectors", yaml: base + "\nbmp: 127.0.0.1:11019",
            expected: "t.yaml: bmp: BMP to 127.0.0.1:11019 reports the BGP speaker, and there is none without route-reflectors"),
        Bad(name: "BMP to IPv6 without reflectors", yaml: base + "\nbmp: '[::1]:11019'",
            expected: "t.yaml: bmp: BMP to [::1]:11019 reports the BGP speaker, and there is none without route-reflectors"),
        Bad(name: "BMP port zero", yaml: base + withReflector + "\nbmp: 127.0.0.1:0",
            expected: "t.yaml: bmp: invalid value '127.0.0.1:0': expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535"),
        Bad(name: "BMP host name", yaml: base + withReflector + "\nbmp: collector:11019",
            expected: "t.yaml: bmp: invalid value 'collector:11019': expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535"),
        Bad(name: "BMP IPv6 without brackets", yaml: base + withReflector + "\nbmp: 'fd00::9:11019'",
            expected: "t.yaml: bmp: invalid value 'fd00::9:11019': expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535"),
        Bad(name: "BMP mapping without collector", yaml: base + withReflector + "\nbmp: {statistics-interval: 5}",
            expected: "t.yaml: bmp.collector: missing required field"),
        Bad(name: "BMP statistics interval", yaml: base + withReflector + "\nbmp: {collector: 127.0.0.1:11019, statistics-interval: -1}",
            expected: "t.yaml: bmp.statistics-interval: invalid value '-1': expected seconds between Statistics Reports (0: none), an integer 0-86400"),
        Bad(name: "BMP unknown key", yaml: base + withReflector + "\nbmp: {collector: 127.0.0.1:11019, adj-rib-in: true}",
            expected: "t.yaml: bmp.adj-rib-in: invalid value 'true': unknown field; known: adj-rib-out, collector, statistics-interval"),
    ]

    static let withReflector = "\nroute-reflectors: [{address: 10.0.0.254}]"

    @Test(arguments: [
        ("bmp: 127.0.0.1:11019", AgentConfiguration.BMPCollector(host: "127.0.0.1", port: 11019)),
        ("bmp: '[fd00::9]:1790'", .init(host: "fd00::9", port: 1790)),
        ("bmp: {collector: 10.0.0.9:11019, statistics-interval: 0, adj-rib-out: true}",
         .init(host: "10.0.0.9", port: 11019, statisticsInterval: nil, adjRIBOut: true)),
        ("bmp: {collector: 10.0.0.9:11019, statistics-interval: 5}", .init(host: "10.0.0.9", port: 11019, statisticsInterval: .seconds(5))),
    ])
    func readsBMPCollector(_ line: String, _ expected: AgentConfiguration.BMPCollector) throws {
        let config = try AgentConfiguration.parse(yaml: base + Self.withReflector + "\n" + line, file: "t.yaml")
        #expect(config.bmp == expected)
        // Started once, with the speaker: a reload leaves it and names it.
        let running = try AgentConfiguration.parse(yaml: base + Self.withReflector, file: "t.yaml")
        #expect(running.restartOnlyChanges(in: config) == ["bmp"])
        #expect(config.keepingRestartOnlySettings(of: running).bmp == nil)
    }

    @Test(arguments: bad)
    func refusesBadConfiguration(_ case_: Bad) {
        do {
            _ = try AgentConfiguration.parse(yaml: case_.yaml, file: "t.yaml")
            Issue.record("accepted: \(case_.name)")
        } catch {
            #expect(error.description.hasPrefix(case_.expected), "\(error.description)")
        }
    }

    @Test func defaultsApply() throws {
        let config = try AgentConfiguration.parse(yaml: base, file: "t.yaml")
        #expect(config.routerID == IPv4Address(10, 0, 0, 1))
        #expect(config.controllerListen == .tcp(host: "127.0.0.1", port: 6653))
        #expect(config.logLevel == .info)
        #expect(config.tenants.map(\.instance.routeTarget) == [.twoOctetAS(asn: 65000, value: 10)])
        #expect(config.tenants.map(\.flood) == [.drop])
        #expect(config.routeReflectors.isEmpty && config.endpoints.isEmpty)
        // Graceful restart is on unless turned off: a restarting agent keeps the overlay forwarding.
        #expect(config.gracefulRestart == .init(enabled: true, restartTime: 120, selectionDeferralTime: 30))
        #expect(config.speakerConfiguration.gracefulRestart?.restartTime == 120)
        let off = try AgentConfiguration.parse(yaml: base + "\ngraceful-restart:\n  enabled: false\n  restart-time: 60", file: "t.yaml")
        #expect(off.gracefulRestart.enabled == false && off.gracefulRestart.restartTime == 60)
        #expect(off.speakerConfiguration.gracefulRestart == nil)
        #expect(config.gleanedExpiry == .seconds(300) && config.addressResolutionRate == 100)
        #expect(config.duplicateDetection == .init(maximumMoves: 5, window: .seconds(180)))
    }

    /// 0 turns the meter and the expiry off; the settings reach the core.
    @Test func expiryMeterAndDuplicateSettings() throws {
        let off = try AgentConfiguration.parse(
            yaml: base + "\ngleaned-expiry: 0\ncontroller:\n  address-resolution-rate: 0", file: "t.yaml")
        #expect(off.gleanedExpiry == nil && off.addressResolutionRate == nil)
        let set = try AgentConfiguration.parse(
            yaml: base + "\ngleaned-expiry: 60\ncontroller:\n  address-resolution-rate: 20\nduplicate-mac:\n  max-moves: 3\n  window: 30",
            file: "t.yaml")
        #expect(set.coreSettings.gleanedExpiry == .seconds(60) && set.coreSettings.addressResolutionRate == 20)
        #expect(set.coreSettings.duplicateDetection == .init(maximumMoves: 3, window: .seconds(30)))
    }

    @Test func exampleConfigurationLoads() throws {
        let path = Repository.root.appendingPathComponent("deploy/agent.example.yaml").path
        let config = try AgentConfiguration.load(path: path)
        #expect(config.routeReflectors == [
            .init(address: .v4(IPv4Address(10, 0, 0, 254)), port: 179),
            .init(address: .v4(IPv4Address(10, 0, 0, 253)), port: 179),
        ])
        #expect(config.tenants.map(\.instance.routeTarget) == [.twoOctetAS(asn: 65000, value: 10), .twoOctetAS(asn: 65000, value: 20)])
        #expect(config.bridges == [.init(name: "br0", ovsdb: .unix(path: "/var/run/openvswitch/db.sock"), vxlanPort: 100, datapathID: nil)])
        #expect(config.endpoints.map(\.endpoint.location) == [.local(port: 1), .local(port: 2)])
        #expect(config.endpoints[0].endpoint.ipv6 == [IPv6Address("fd00::1")].compactMap { $0 })
    }

    static let routeTargets: [(String, RouteTarget)] = [
        ("65000:20", .twoOctetAS(asn: 65000, value: 20)),
        ("65000:4000000000", .twoOctetAS(asn: 65000, value: 4_000_000_000)),
        ("4200000000:20", .fourOctetAS(asn: 4_200_000_000, value: 20)),
        ("10.9.9.9:7", .ipv4(address: IPv4Address(10, 9, 9, 9), value: 7)),
    ]

    @Test(arguments: routeTargets)
    func routeTargetForms(_ text: String, _ expected: RouteTarget) throws {
        let config = try AgentConfiguration.parse(yaml: base + "\n    route-target: \(text)", file: "t.yaml")
        #expect(config.tenants[0].instance.routeTarget == expected)
    }

    /// A reflector's TCP MD5 password reaches the speaker's neighbour; one without stays unsigned.
    @Test func routeReflectorPasswordReachesTheSpeaker() throws {
        let yaml = base + "\nroute-reflectors:\n  - address: 10.0.0.254\n    password: 's3cret:#1'\n  - address: 10.0.0.253"
        let config = try AgentConfiguration.parse(yaml: yaml, file: "t.yaml")
        #expect(config.routeReflectors.map(\.password) == ["s3cret:#1", nil])
        #expect(config.reflectorNeighbors.map(\.password) == ["s3cret:#1", nil])
    }

    /// An IPv6 VTEP: the core tunnels to it, the route distinguishers hold the router id.
    @Test func ipv6VTEP() throws {
        let yaml = base.replacingOccurrences(of: "10.0.0.1", with: "fd00:9:0::2") + "\nrouter-id: 10.0.0.2"
        let config = try AgentConfiguration.parse(yaml: yaml, file: "t.yaml")
        #expect(config.vtep == .v6(IPv6Address("fd00:9::2")!) && config.routerID == IPv4Address(10, 0, 0, 2))
        #expect(config.coreSettings.vtep == config.vtep && config.coreSettings.routeDistinguisherAddress == IPv4Address(10, 0, 0, 2))
    }

    /// BGP over IPv6: a reflector by its IPv6 address (signed), the agent's
    /// BGP listener on an IPv6 address.
    @Test func ipv6RouteReflectorAndBGPListen() throws {
        let yaml = base + "\nbgp-listen: '[fd00:9::2]:0'\nroute-reflectors:\n  - address: fd00:9::1\n    password: s3cret\n    port: 1179"
        let config = try AgentConfiguration.parse(yaml: yaml, file: "t.yaml")
        #expect(config.reflectorNeighbors.map(\.address) == [IPAddress("fd00:9::1")!])
        #expect(config.reflectorNeighbors.map(\.port) == [1179] && config.reflectorNeighbors.map(\.password) == ["s3cret"])
        #expect(config.speakerConfiguration.listenHost == "fd00:9::2")
    }

    @Test(arguments: [("", nil), ("\nstate-file: none", nil), ("\nstate-file: /var/lib/a/state.json", "/var/lib/a/state.json")])
    func stateFile(line: String, expected: String?) throws {
        #expect(try AgentConfiguration.parse(yaml: base + line, file: "t.yaml").stateFile == expected)
    }

    /// Loopback and unix sockets need no opt-in; another address needs `allow-non-loopback: true`.
    @Test(arguments: [("127.0.0.2:6653", ""), ("'[::1]:6653'", ""), ("unix:/run/swiftplane/ctl.sock", ""),
                      ("0.0.0.0:6653", "\n  allow-non-loopback: true"), ("10.0.0.1:6653", "\n  allow-non-loopback: true")])
    func controllerListenOptIn(listen: String, optIn: String) throws {
        let config = try AgentConfiguration.parse(yaml: base + "\ncontroller:\n  listen: \(listen)" + optIn, file: "t.yaml")
        #expect(config.controllerListen.description == listen.trimmingCharacters(in: CharacterSet(charactersIn: "'")))
    }

    @Test func ipv6ListenAndDatapaths() throws {
        let yaml = base.replacingOccurrences(of: "vxlan-port: 100", with: "vxlan-port: 100\n    datapath-id: 0x00000000000000aB")
            + "\ncontroller:\n  listen: '[::1]:6633'"
        let config = try AgentConfiguration.parse(yaml: yaml, file: "t.yaml")
        #expect(config.controllerListen == .tcp(host: "::1", port: 6633))
        #expect(config.bridges[0].datapathID == 0xab)
    }
}

/// Which bridge a connecting switch is: by the configured id, else by the
/// id OVSDB reports for the bridge's name; a lone bridge takes any switch
/// until OVSDB names another id for it.
struct BridgeBindingTests {
    struct Case: NamedRow {
        var name: String
        /// Per bridge: its configured datapath id, and whether it reads OVSDB.
        var bridges: [(name: String, configured: DatapathID?, ovsdb: Bool)]
        var reported: [String: DatapathID]
        var datapath: DatapathID
        var expected: String?
    }

    static let cases: [Case] = [
        Case(name: "lone bridge, nothing known: any switch", bridges: [("br0", nil, true)], reported: [:], datapath: 7, expected: "br0"),
        Case(name: "lone bridge, OVSDB names this id", bridges: [("br0", nil, true)], reported: ["br0": 7], datapath: 7, expected: "br0"),
        Case(name: "lone bridge, OVSDB names another id", bridges: [("br0", nil, true)], reported: ["br0": 8], datapath: 7, expected: nil),
        Case(name: "lone bridge, configured id wins over OVSDB", bridges: [("br0", 7, true)], reported: ["br0": 8], datapath: 7, expected: "br0"),
        Case(name: "lone bridge, configured id, other switch", bridges: [("br0", 7, false)], reported: [:], datapath: 8, expected: nil),
        Case(name: "two bridges from OVSDB, first", bridges: [("br0", nil, true), ("br1", nil, true)],
             reported: ["br0": 1, "br1": 2], datapath: 1, expected: "br0"),
        Case(name: "two bridges from OVSDB, second", bridges: [("br0", nil, true), ("br1", nil, true)],
             reported: ["br0": 1, "br1": 2], datapath: 2, expected: "br1"),
        Case(name: "two bridges, OVSDB not heard yet", bridges: [("br0", nil, true), ("br1", nil, true)],
             reported: [:], datapath: 1, expected: nil),
        Case(name: "two bridges, one configured, one from OVSDB", bridges: [("br0", 9, false), ("br1", nil, true)],
             reported: ["br1": 2], datapath: 2, expected: "br1"),
        Case(name: "a configured id is not taken by OVSDB's for another bridge", bridges: [("br0", 9, false), ("br1", 3, true)],
             reported: ["br1": 9], datapath: 9, expected: "br0"),
    ]

    @Test(arguments: cases)
    func switchIsMatchedToItsBridge(_ c: Case) throws {
        var yaml = "vtep: 10.0.0.1\nas: 65000\nbridges:\n"
        for bridge in c.bridges {
            yaml += "  - name: \(bridge.name)\n    vxlan-port: 100\n"
            if let id = bridge.configured { yaml += "    datapath-id: \(id)\n" }
            if bridge.ovsdb { yaml += "    ovsdb: unix:/var/run/openvswitch/db.sock\n" }
        }
        yaml += "vnis:\n  - vni: 10\n"
        let config = try AgentConfiguration.parse(yaml: yaml, file: "t.yaml")
        #expect(config.bridge(forDatapath: c.datapath, reported: c.reported) == c.expected)
    }
}

/// The loader is total: every prefix of the example file, and the file with
/// any one byte replaced, gives a configuration or a `ConfigurationError`
/// (the signature allows nothing else); none traps.
struct AgentConfigurationRobustnessTests {
    static let example: [UInt8] = Array(
        ((try? String(contentsOf: Repository.root.appendingPathComponent("deploy/agent.example.yaml"), encoding: .utf8)) ?? "").utf8)

    @Test func everyPrefixLoadsOrFails() throws {
        try #require(!Self.example.isEmpty, "deploy/agent.example.yaml is missing")
        var refused = 0
        for end in stride(from: 0, through: Self.example.count, by: 3) {
            do {
                _ = try AgentConfiguration.parse(yaml: String(decoding: Self.example[..<end], as: UTF8.self), file: "t.yaml")
            } catch {
                #expect(error.file == "t.yaml")
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    /// Nine levels of ten aliases (10^9 values once expanded), where the
    /// reflector's loader used to hang: the agent reads nodes as Yams
    /// composes them, aliases shared, so it refuses at the first wrong field.
    static let bomb = "&a0 [x, x, x, x, x, x, x, x, x, x], "
        + (1...8).map { "&a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]" }.joined(separator: ", ")

    @Test(arguments: [
        ("bombs: [\(bomb)]", "t.yaml: bombs: invalid value '[[x, x, x, x, x, x, x, x, x, x], [[x, x, x, x, x, x, x, x, x, x], [x, x, x, x, x...': unknown field; known: admin, as, "),
        ("endpoints: [\(bomb)]", "t.yaml: endpoints[0]: invalid value '[x, x, x, x, x, x, x, x, x, x]': expected a mapping, found a list"),
    ])
    func aliasBombIsNotExpanded(_ line: String, _ message: String) {
        do {
            _ = try AgentConfiguration.parse(yaml: base + "\n" + line + "\n", file: "t.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error)")
        }
    }

    @Test(arguments: [UInt8(0x00), 0x3a, 0x7b, 0x2d, 0x20, 0x5b])
    func everyByteReplacedLoadsOrFails(_ byte: UInt8) throws {
        try #require(!Self.example.isEmpty, "deploy/agent.example.yaml is missing")
        for offset in stride(from: 0, to: Self.example.count, by: 7) {
            var bytes = Self.example
            bytes[offset] = byte
            do {
                _ = try AgentConfiguration.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "t.yaml")
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
    }
}
