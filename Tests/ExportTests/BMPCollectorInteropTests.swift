import Foundation
import Testing
import TestSupport

/// swiftplane-rr's BMP against real collectors: a GoBGP client sends a
/// type-2 route through the reflector, which reports it to
/// - pmacct's pmbmpd, whose JSON log must show the Initiation, the GoBGP
///   peer's and the Loc-RIB's Peer Up, Statistics Reports of their route
///   counts, the Peer Down and the Termination
///   (pmbmpd 1.7 does not decode EVPN NLRI, so it cannot show the route);
/// - a raw collector whose stream Wireshark's BMP dissector (tshark) must
///   read as Route Monitoring carrying the EVPN MAC, for the peer's
///   Adj-RIB-In and for the Loc-RIB (RFC 9069), and the Adj-RIB-Out (RFC
///   8671) flags on what the peer is sent.
@Suite(.serialized, .enabled(if: Command.builtProduct("swiftplane-rr") != nil && GoBGPDaemon.available, "needs the built swiftplane-rr and gobgpd"))
struct BMPCollectorInteropTests {
    static let mac = "02:00:00:00:00:07"

    /// A reflector that dials a GoBGP client holding one type-2 route, and reports to the collector on `collectorPort`.
    struct Fabric {
        let rr: Daemon
        let client: GoBGPDaemon
        let clientAddress: String

        init(collectorPort: Int?, folder: URL, arguments: [String] = []) throws {
            let net = UInt8.random(in: 10...250)
            let rrAddress = "127.78.\(net).1"
            clientAddress = "127.78.\(net).2"
            let rrPort = freeLoopbackPort(), clientPort = freeLoopbackPort()
            client = try GoBGPDaemon(address: clientAddress, listenPort: clientPort, neighbors: [.init(address: rrAddress, passive: true)])
            // Connect-retry 1 s: a gobgpd slow to listen (a busy machine) is dialled again at once, not after 30 s.
            let yaml = folder.appendingPathComponent("rr.yaml")
            try """
                as: 65000
                router-id: \(rrAddress)
                listen: \(rrAddress):\(rrPort)
                neighbors: [{address: \(clientAddress), port: \(clientPort)}]
                timers: {connect-retry: 1}
                """.write(to: yaml, atomically: true, encoding: .utf8)
            rr = try Daemon([Command.builtProduct("swiftplane-rr")!, "--config", yaml.path, "--admin-socket", folder.appendingPathComponent("rr.sock").path]
                            + (collectorPort.map { ["--bmp", "127.0.0.1:\($0)"] } ?? []) + arguments,
                            log: folder.appendingPathComponent("rr.log"))
        }

        func addRoute() async throws -> Bool {
            try await eventually(10, every: .milliseconds(200)) {
                try client.evpn(GoBGPDaemon.macadv(BMPCollectorInteropTests.mac, "10.0.0.7", vni: 2001, vtep: "10.1.1.7", rd: 200))
            }
        }

        func stop() {
            client.stop()
            rr.stop()
        }
    }

    @Test(.enabled(if: PmbmpdCollector.available, "pmbmpd not installed (apt install pmacct)"))
    func pmbmpdSeesPeersComeAndGo() async throws {
        let folder = try TemporaryFolder.create("swiftplane-bmp")
        defer { try? FileManager.default.removeItem(at: folder) }
        let collector = try PmbmpdCollector(folder: folder)
        defer { collector.stop() }
        #expect(await collector.ready(), "pmbmpd: \(collector.daemon.output.suffix(500))")
        let fabric = try Fabric(collectorPort: collector.port, folder: folder, arguments: ["--bmp-statistics-interval", "1"])
        defer { fabric.stop() }
        #expect(try await fabric.addRoute())
        let up = await eventually(20, every: .milliseconds(200)) {
            collector.has("init") && collector.has("peer_up", ["peer_ip": fabric.clientAddress, "peer_type": "0", "bgp_id": fabric.clientAddress, "peer_asn": "65000"])
                && collector.has("peer_up", ["peer_type": "3", "peer_ip": "0.0.0.0"])
        }
        #expect(up, "pmbmpd logged \(collector.events()); reflector: \(fabric.rr.output.suffix(800))")
        #expect(collector.events().contains { ($0["bmp_init_info_sysname"] as? String)?.hasPrefix("swiftplane-rr") == true })
        // Statistics Reports: the client's one route in its Adj-RIB-In (type 7); the Loc-RIB's routes (type 8).
        let stats = await eventually(10, every: .milliseconds(200)) {
            collector.has("stats", ["peer_ip": fabric.clientAddress, "counter_type": "7", "counter_value": "1"]) && collector.has("stats", ["peer_type": "3", "counter_type": "8"])
        }
        #expect(stats, "pmbmpd logged \(collector.events().filter { $0["bmp_msg_type"] as? String == "stats" })")

        fabric.client.stop()
        #expect(await eventually(10, every: .milliseconds(200)) { collector.has("peer_down", ["peer_ip": fabric.clientAddress]) }, "pmbmpd logged \(collector.events())")
        #expect(fabric.rr.signal(SIGTERM, within: 5))
        #expect(await eventually(5, every: .milliseconds(100)) { collector.has("term", ["bmp_term_info_reason": "Session administratively closed"]) },
                "pmbmpd logged \(collector.events())")
    }

    static var tsharkAvailable: Bool { Command.which("tshark") != nil && Command.which("text2pcap") != nil && Command.which("python3") != nil }

    @Test(.enabled(if: tsharkAvailable, "tshark/text2pcap/python3 not installed"))
    func wiresharkReadsTheEVPNRouteInAdjRIBInAndLocRIB() async throws {
        let folder = try TemporaryFolder.create("swiftplane-bmp")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = freeLoopbackPort()
        let raw = folder.appendingPathComponent("bmp.raw")
        // A collector that keeps the stream as it came, until the reflector closes it.
        let script = """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", \(port))); s.listen(1); print("listening", flush=True)
            c, _ = s.accept()
            with open("\(raw.path)", "wb") as f:
                while True:
                    d = c.recv(65536)
                    if not d: break
                    f.write(d); f.flush()
            """
        let collector = try Daemon([Command.which("python3")!, "-c", script], log: folder.appendingPathComponent("collector.log"))
        defer { collector.stop() }
        #expect(await eventually(10) { collector.output.contains("listening") })
        let fabric = try Fabric(collectorPort: port, folder: folder, arguments: ["--bmp-adj-rib-out"])
        defer { fabric.stop() }
        #expect(try await fabric.addRoute())
        #expect(await eventually(20, every: .milliseconds(200)) { fabric.rr.output.contains("established") }, "\(fabric.rr.output.suffix(800))")
        // The route goes through the reflector into the Loc-RIB: then stop, so the stream ends with Peer Down and Termination.
        let socket = folder.appendingPathComponent("rr.sock").path
        #expect(await eventually(10, every: .milliseconds(200)) {
            (try? Command.run(Command.builtProduct("swiftplanectl") ?? "swiftplanectl", ["routes", "--socket", socket]).stdout.contains(Self.mac)) == true
        })
        #expect(fabric.rr.signal(SIGTERM, within: 5))
        #expect(await eventually(5) { !collector.isRunning })

        let hex = folder.appendingPathComponent("bmp.hex"), pcap = folder.appendingPathComponent("bmp.pcap")
        try Command.run("od", ["-Ax", "-tx1", "-v", raw.path]).stdout.write(to: hex, atomically: true, encoding: .utf8)
        #expect(try Command.run("text2pcap", ["-q", "-T", "40000,11019", hex.path, pcap.path]).status == 0)
        let out = try Command.run("tshark", ["-r", pcap.path, "-d", "tcp.port==11019,bmp", "-T", "fields", "-E", "separator=|",
                                             "-e", "bmp.type", "-e", "bmp.peer.type", "-e", "bgp.evpn.nlri.mac_addr", "-e", "bmp.peer.ip.addr", "-e", "bmp.peer.flags"]).stdout
        let fields = out.split(separator: "\n").first.map { $0.split(separator: "|", omittingEmptySubsequences: false).map { $0.split(separator: ",").map(String.init) } } ?? []
        #expect(fields.count == 5, "tshark printed \(out)")
        guard fields.count == 5 else { return }
        let (types, peerTypes, macs, peers, flags) = (fields[0], fields[1], fields[2], fields[3], fields[4])
        // Initiation first, Termination last; Peer Up, Route Monitoring and Peer Down between.
        #expect(types.first == "4" && types.last == "5", "message types \(types)")
        #expect(Set(types).isSuperset(of: ["0", "2", "3"]), "message types \(types)")
        // The Loc-RIB (type 3) and the GoBGP peer (global instance, type 0) both reported.
        #expect(Set(peerTypes) == ["0", "3"], "peer types \(peerTypes)")
        #expect(peers.contains(fabric.clientAddress), "peer addresses \(peers)")
        // The MAC in the peer's UPDATE and in the Loc-RIB's (and in the Loc-RIB's withdrawal at shutdown).
        #expect(macs.filter { $0 == Self.mac }.count >= 2, "EVPN MACs \(macs)")
        // With --bmp-adj-rib-out, what the client is sent (its End-of-RIB at least) comes with O and L (RFC 8671).
        #expect(flags.contains("0x50"), "peer flags \(flags)")
    }
}
