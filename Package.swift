// swift-tools-version: 6.1
// swiftplane: a BUM-less L2 overlay for Open vSwitch (EVPN route reflector,
// per-host agent with an OpenFlow 1.3 controller, and the operator's CLI).
import PackageDescription

// Every module is built in Swift 6 language mode (strict concurrency).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")

/// A libFuzzer entry point in Tests/Fuzz/NAME; its seed corpus (Seeds/) is
/// data for Tests/Tools/fuzz, not a source.
func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies + ["FuzzDriver"], path: "Tests/Fuzz/\(name)", exclude: ["Seeds"])
}

/// An ordo-one/benchmark suite in Tests/Benchmarks/NAME, run by the
/// benchmark plugin (`swift package benchmark --target NAME`).
func benchmark(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: dependencies + [.product(name: "Benchmark", package: "benchmark")],
        path: "Tests/Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "swiftplane",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftplanectl", targets: ["swiftplanectl"]),
        .executable(name: "swiftplane-cni", targets: ["swiftplane-cni"]),
        .library(name: "NetAddress", targets: ["NetAddress"]),
        .library(name: "OpenFlow", targets: ["OpenFlow"]),
        .library(name: "Packets", targets: ["Packets"]),
        .library(name: "Pcap", targets: ["Pcap"]),
        .library(name: "BGP", targets: ["BGP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        // MAC and IP address values, one type per concept, shared by the
        // codecs so frames become routes and flows without conversion.
        .target(name: "NetAddress", swiftSettings: swiftSettings),

        // Wire codecs: pure values, no I/O. NIOCore only for ByteBuffer.
        .target(name: "OpenFlow", dependencies: ["NetAddress", "FieldReader", nioCore], swiftSettings: swiftSettings),
        .target(name: "Packets", dependencies: ["NetAddress", "FieldReader", nioCore], swiftSettings: swiftSettings),
        .target(name: "BGP", dependencies: ["NetAddress", "FieldReader", nioCore], swiftSettings: swiftSettings),
        // BMP (RFC 7854, 9069, 8671) messages as values: encoder and total decoder.
        .target(name: "BMP", dependencies: ["NetAddress", "FieldReader"], swiftSettings: swiftSettings),
        // MRT (RFC 6396) records as values: BGP4MP and TABLE_DUMP_V2, encoder and total decoder.
        .target(name: "MRT", dependencies: ["NetAddress", "FieldReader"], swiftSettings: swiftSettings),
        // The named-field big-endian reader and its error, shared by the BMP and MRT decoders.
        .target(name: "FieldReader", swiftSettings: swiftSettings),
        // Values held once, named by small numbers with reference counts: the RIB's attribute sets, the overlay's VTEPs.
        .target(name: "Interning", swiftSettings: swiftSettings),

        // Both daemons' YAML files read one way: a node walked with its field
        // path, keys read marked known (the rest refused, with a "did you
        // mean"), errors naming the file, the field and the value, secrets hidden.
        .target(name: "ConfigurationReader", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),

        // The small values the daemons are configured with (listen and admin
        // addresses, neighbour ranges, TCP MD5 keys, OVSDB endpoints): below
        // the runtimes that use them, so a configuration module needs none.
        .target(name: "ConfigurationValues", dependencies: ["NetAddress", "SocketFile"], swiftSettings: swiftSettings),

        // The sections both daemons' files share (admin:, metrics:), read
        // and declared once.
        .target(name: "ConfigurationSections", dependencies: ["ConfigurationReader", "ConfigurationValues", "SocketFile"], swiftSettings: swiftSettings),

        // A listening unix socket's file: stale ones replaced, live ones refused, mode, removal.
        .target(name: "SocketFile", swiftSettings: swiftSettings),

        // What an application wants on a switch and what the controller
        // believes it holds: flows, groups, meters, their diffs and shadows.
        // Values only (OpenFlow, no I/O), so the agent's core needs no runtime.
        .target(name: "OpenFlowTables", dependencies: ["OpenFlow"], swiftSettings: swiftSettings),
        // OpenFlow controller runtime: sans-I/O switch state machine, flow
        // reconciliation, and a thin SwiftNIO server around them.
        .target(
            name: "OpenFlowController",
            dependencies: ["OpenFlow", "OpenFlowTables", "ConfigurationValues", "SocketFile", nioCore, .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),

        // BGP speaker: sans-I/O FSM and RIB, thin NIO sessions; the route reflector daemon.
        .target(
            name: "BGPSpeaker",
            dependencies: ["BGP", "ConfigurationValues", "Interning", nioCore, .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        // A speaker's sessions and tables to a BMP collector: the mapping (sans I/O) and the TCP client.
        .target(
            name: "BMPClient",
            dependencies: ["BMP", "BGP", "BGPSpeaker", "NetAddress", nioCore, .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        // A speaker's received UPDATEs and tables as MRT files: the mapping (sans I/O) and the file writer.
        .target(
            name: "MRTDump",
            dependencies: ["MRT", "FieldReader", "BGP", "BGPSpeaker", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        // swiftplane-rr's YAML file, in a library so the fuzzer can reach its parser.
        .target(
            name: "ReflectorConfiguration",
            dependencies: ["NetAddress", "ConfigurationReader", "ConfigurationSections", "ConfigurationValues", "SocketFile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "swiftplane-rr",
            dependencies: [
                "BGP", "BGPSpeaker", "AdminAPI", "SpeakerAdmin", "ReflectorConfiguration", "ConfigurationValues", "BMPClient", "MRTDump", "ExecutableSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"), nioCore, .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The daemons' admin API: HTTP/1.1 + JSON on a unix socket (or loopback),
        // its client for swiftplanectl, and the Prometheus /metrics page.
        .target(
            name: "AdminAPI",
            dependencies: ["BGP", "OpenFlow", "ConfigurationValues", "SocketFile", nioCore, .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // A BGP speaker's admin pages: neighbour, route and health reports built
        // from its live state, its gauges. Apart from AdminAPI so the CLI links no speaker.
        .target(name: "SpeakerAdmin", dependencies: ["AdminAPI", "BGP", "BGPSpeaker"], swiftSettings: swiftSettings),

        // The domain: endpoints, VNIs, and the flow pipeline as a pure function.
        .target(name: "Overlay", dependencies: ["OpenFlow", "OpenFlowTables", "Packets", "BGP", "Interning"], swiftSettings: swiftSettings),

        // The agent's core: a sans-I/O value from ports, gleaned endpoints,
        // received routes and configuration to bridge states, routes to
        // advertise and packet-in answers.
        .target(name: "Agent", dependencies: ["Overlay", "OpenFlow", "OpenFlowTables", "Packets", "BGP", nioCore], swiftSettings: swiftSettings),
        // The agent's YAML file, checked field by field; a library so the fuzzer can reach its parser.
        .target(
            name: "AgentConfiguration",
            dependencies: ["Agent", "Overlay", "BGP", "OpenFlow", "ConfigurationReader", "ConfigurationSections", "ConfigurationValues", "NetAddress", "SocketFile"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "swiftplane-agent",
            dependencies: [
                "Agent", "AgentConfiguration", "ConfigurationReader", "Overlay", "OpenFlow", "OpenFlowController", "OVSDB", "OVSDBClient", "Packets", "BGP", "BGPSpeaker",
                "AdminAPI", "SpeakerAdmin", "BMPClient", "ExecutableSupport", nioCore,
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // libpcap (apt: libpcap-dev) and a small Swift API over it.
        .systemLibrary(name: "CLibpcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "Pcap", dependencies: ["CLibpcap", nioCore], swiftSettings: swiftSettings),

        // JSON (RFC 8259) values, a total parser and a writer: no I/O, shared
        // by OVSDB's JSON-RPC and the CNI plugin.
        .target(name: "JSON", swiftSettings: swiftSettings),
        // RFC 7047 as values, sans I/O: JSON-RPC messages, the stream framer,
        // the monitor's rows and updates, the replica. NIOCore only for ByteBuffer.
        .target(name: "OVSDB", dependencies: ["NetAddress", "ConfigurationValues", "JSON", nioCore], swiftSettings: swiftSettings),
        // The thin NIO client around them: connects, monitors, reconnects.
        .target(
            name: "OVSDBClient",
            dependencies: ["OVSDB", nioCore, .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // The CNI plugin: a sans-I/O core (configuration and CNI_* variables to
        // checks, commands and results) and the executable that runs the commands.
        .target(name: "CNI", dependencies: ["NetAddress", "JSON", "OVSDB"], swiftSettings: swiftSettings),
        .executableTarget(name: "swiftplane-cni", dependencies: ["CNI", "AgentConfiguration", "AdminAPI", "NetAddress", "JSON", "ProcessOutput"],
                          swiftSettings: swiftSettings),
        // A child process run to its end, its output drained: the CNI plugin's commands, the tests' oracles.
        .target(name: "ProcessOutput", swiftSettings: swiftSettings),

        // What the executables share: main() with one rule for exit statuses, printError, terminate.
        .target(name: "ExecutableSupport", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: swiftSettings),

        // The operator's CLI.
        .executableTarget(
            name: "swiftplanectl",
            dependencies: [
                "OpenFlow", "Packets", "Pcap", "BGP", "AdminAPI", "ExecutableSupport", nioCore,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Load generators: `swiftplane-bench openflow` (emulated switches vs a controller),
        // `swiftplane-bench bgp` (route reflection through swiftplane-rr vs gobgpd), and
        // the demo's drills that `deploy/demo drill` runs (fault-drill, rr-pair-drill, move-drill, flap-drill, churn-drill, scale-drill).
        // Linux's epoll for the bench's bare loops (Glibc's Swift module leaves it out).
        .systemLibrary(name: "CEpoll"),
        .executableTarget(
            name: "swiftplane-bench",
            dependencies: ["CEpoll", "NetAddress", "OpenFlow", "OpenFlowController", "OpenFlowTables", "BGP", "MRT", "AdminAPI", "ProcessOutput", "ExecutableSupport", nioCore,
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        // Shared by the test suites: repository paths, hex, running oracles
        // (ovs-ofctl, tshark), the private Open vSwitch sandbox.
        .target(name: "TestSupport", dependencies: ["ProcessOutput", "FieldReader", .product(name: "Logging", package: "swift-log")], path: "Tests/Support",
                swiftSettings: swiftSettings),

        // Unit, conformance, oracle and robustness tests (Swift Testing).
        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfigurationReaderTests", dependencies: ["ConfigurationReader"], swiftSettings: swiftSettings),
        // The README's configuration reference against both daemons' loaders.
        .testTarget(
            name: "ConfigurationReferenceTests",
            dependencies: ["AgentConfiguration", "ConfigurationReader", "ReflectorConfiguration", "TestSupport"],
            swiftSettings: swiftSettings
        ),
                .testTarget(name: "OpenFlowTests", dependencies: ["TestSupport", "OpenFlow", "FieldReader", nioCore], swiftSettings: swiftSettings),
        .testTarget(name: "PacketsTests", dependencies: ["TestSupport", "Packets", "Pcap", "FieldReader", nioCore], swiftSettings: swiftSettings),
        .testTarget(name: "PcapTests", dependencies: ["TestSupport", "Pcap", nioCore], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenFlowControllerTests",
            dependencies: ["OpenFlowController", "OpenFlowTables", "OpenFlow", "Packets", "Pcap", "TestSupport", nioCore,
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // BMP and MRT: codec vectors, pmbmpd, tshark and bgpdump reading what swiftplane-rr and swiftplane-agent send and write.
        .testTarget(
            name: "ExportTests",
            dependencies: ["BMP", "BMPClient", "MRT", "FieldReader", "BGP", "swiftplane-rr", "swiftplane-agent", "swiftplanectl", "TestSupport", nioCore,
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BGPTests", dependencies: ["TestSupport", "BGP", "Packets", "Pcap", "FieldReader", nioCore], swiftSettings: swiftSettings),
        .testTarget(name: "OVSSandboxTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        // Package.swift against the sources' import lines: every import declared, every declaration imported.
        .testTarget(name: "PackageGraphTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BGPSpeakerTests",
            dependencies: ["BGPSpeaker", "BGP", "Interning", "Packets", "Pcap", "TestSupport", nioCore, .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OVSDBTests",
            dependencies: ["OVSDB", "OVSDBClient", "TestSupport", "NetAddress", nioCore, .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "OverlayTests",
            dependencies: ["Overlay", "OpenFlow", "OpenFlowTables", "OpenFlowController", "Packets", "BGP", "TestSupport", nioCore],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwiftplaneBenchTests",
            dependencies: ["swiftplane-bench", "BGP", "MRT", "MRTDump", "ProcessOutput", "TestSupport", nioCore, .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The CNI core's tables; the built plugin against real OVS, podman and Docker.
        .testTarget(name: "CNITests", dependencies: ["CNI", "swiftplane-cni", "TestSupport", "NetAddress", "OVSDB"], swiftSettings: swiftSettings),
        .testTarget(name: "DemoTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        // The admin API and swiftplanectl against running daemons (real sockets, gobgpd, OVS).
        .testTarget(
            name: "AdminAPITests",
            dependencies: ["AdminAPI", "SpeakerAdmin", "swiftplane-rr", "swiftplane-agent", "swiftplanectl", "TestSupport", "BGP", "BGPSpeaker"],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "AgentTests",
            dependencies: ["AdminAPI", "Agent", "AgentConfiguration", "swiftplane-agent", "Overlay", "OpenFlow", "OpenFlowTables", "OpenFlowController", "OVSDB", "Packets", "Pcap",
                           "BGPSpeaker",
                           "BGP", "TestSupport", nioCore, .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // libFuzzer entry points. A normal build gives a program that explains
        // how to fuzz; Tests/Tools/fuzz builds them with -sanitize=fuzzer.
        .target(name: "FuzzDriver", path: "Tests/FuzzDriver"),
        fuzzer("OpenFlowFuzzer", ["OpenFlow", nioCore]),
        fuzzer("PacketsFuzzer", ["Packets", nioCore]),
        fuzzer("BGPFuzzer", ["BGP", nioCore]),
        fuzzer("ExportFuzzer", ["BMP", "MRT"]),
        fuzzer("OVSDBFuzzer", ["OVSDB", nioCore]),
        fuzzer("ConfigurationFuzzer", ["Agent", "AgentConfiguration", "ConfigurationReader", "NetAddress", "Overlay", "ReflectorConfiguration"]),
        fuzzer("SwitchConnectionFuzzer", ["OpenFlowController", "OpenFlow", nioCore]),

        // Micro-benchmarks (ordo-one/benchmark): `swift package benchmark`.
        benchmark("OpenFlowBenchmarks", ["OpenFlow", nioCore]),
        benchmark("PacketsBenchmarks", ["Packets", "Pcap", nioCore]),
        benchmark("AgentBenchmarks", ["Agent", "AgentConfiguration", "Overlay", "OpenFlow", "OpenFlowController", "Packets", "BGP", nioCore]),
        benchmark("BGPBenchmarks", ["BGP", "BGPSpeaker", nioCore]),
        benchmark("AdminBenchmarks", ["AdminAPI", "SpeakerAdmin", "BGP", "BGPSpeaker"]),
        benchmark("OVSDBBenchmarks", ["OVSDB", nioCore]),
    ]
)

// Every module folder under Sources/ holds a README.md (what the module is,
// its main types, what it depends on and why): documentation, not a source.
for target in package.targets where target.path == nil && target.type != .test && target.type != .system {
    target.exclude.append("README.md")
}
