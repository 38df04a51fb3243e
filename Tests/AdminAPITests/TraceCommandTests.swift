import AdminAPI
import Foundation
import Testing
import TestSupport

/// Why the trace test cannot run here, or nil when it can.
let traceUnavailable: String? = agentAdminUnavailable
    ?? (Command.which("gobgpd") == nil || Command.which("gobgp") == nil ? "gobgpd and gobgp are not installed (Tests/Tools/install-deps)" : nil)

/// `swiftplanectl trace` against the built agent driving real Open vSwitch,
/// with a remote endpoint that GoBGP advertises through swiftplane-rr. For
/// every packet the trace reports, Open vSwitch's own `ofproto/trace` of the
/// same packet must hit the same flows (table and cookie, in order) and end
/// the same way: the same local port, ARP reply, tunnel VNI and VTEP, the
/// controller, or a drop.
@Suite("swiftplanectl trace against real Open vSwitch", .serialized,
       .enabled(if: traceUnavailable == nil, Comment(rawValue: traceUnavailable ?? "")))
struct TraceCommandTests {
    static let remoteVTEP = "10.9.6.100"
    static let remoteMAC = "02:00:00:00:00:63"
    static let remoteIP = "10.77.0.99"

    /// Two tenants reuse 10.77.0.1.
    static let tenants = AgentSandbox.tenants(vnis: [10, 11], [.a, .b, StaticEndpoint(vni: 11, mac: "02:00:00:00:00:0e", ips: ["10.77.0.1"], port: 3)])

    /// How one packet ends, as both sides can say it.
    struct Ending: Hashable, CustomStringConvertible {
        var kind: String
        var port: UInt32? = nil
        var mac: String? = nil
        var vni: UInt64? = nil
        var vtep: String? = nil
        var description: String {
            [kind, port.map { "port \($0)" }, mac, vni.map { "vni \($0)" }, vtep].compactMap { $0 }.joined(separator: " ")
        }
    }

    /// Our verdict in the comparable form (controller copies aside).
    static func ending(_ packet: TraceReport.Packet) -> Ending {
        guard let out = packet.outputs.first(where: { $0.kind != "controller" }) else {
            return Ending(kind: packet.verdictKind == "controller" ? "controller" : "drop")
        }
        return Ending(kind: out.kind, port: out.kind == "tunnel" ? nil : out.port, mac: out.mac, vni: out.vni, vtep: out.vtep)
    }

    /// Open vSwitch's ending, from the trace's datapath actions; datapath
    /// port numbers become OpenFlow ones through `dpif/show`.
    static func ending(ovsTrace trace: String, ofport: [UInt32: UInt32]) -> Ending {
        let actions = trace.split(separator: "\n").last { $0.hasPrefix("Datapath actions: ") }.map { String($0.dropFirst(18)) } ?? ""
        if actions == "drop" { return Ending(kind: "drop") }
        if actions.contains("userspace(") && actions.contains("controller(") { return Ending(kind: "controller") }
        if actions.contains("tnl_push(") {
            let vtep = Self.value(after: "dst=", in: Self.value(after: "ipv4(", in: actions, until: ")") ?? "", until: ",")
            let vni = Self.value(after: "vni=0x", in: actions, until: ")").flatMap { UInt64($0, radix: 16) }
            return Ending(kind: "tunnel", vni: vni, vtep: vtep)
        }
        let port = actions.split(separator: ",").last.flatMap { UInt32($0) }.flatMap { ofport[$0] }
        if actions.contains("set(arp(") && actions.contains("op=2") {
            return Ending(kind: "arp-reply", port: port, mac: Self.value(after: "sha=", in: actions, until: ","))
        }
        return Ending(kind: port == nil ? "unparsed: \(actions)" : "local", port: port)
    }

    static func value(after marker: String, in text: String, until end: Character) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != end })
    }

    /// (table, cookie) of every flow the trace hit on br0.
    static func steps(ovsTrace trace: String) -> [String] {
        var out: [String] = []
        var inBridge = false
        for line in trace.split(separator: "\n") {
            if line.hasPrefix("bridge(") { inBridge = line == "bridge(\"br0\")" }
            let text = line.trimmingCharacters(in: .whitespaces)
            guard inBridge, let dot = text.firstIndex(of: "."), let table = UInt8(text[..<dot]),
                  let cookie = text.range(of: "cookie ") else { continue }
            out.append("\(table) \(text[cookie.upperBound...])")
        }
        return out
    }

    @Test func traceAgreesWithOpenVSwitch() async throws {
        let underlay = try OVSUnderlay.start(hint: "trcu")
        defer { underlay.stop() }
        try await AgentSandbox.with(hint: "trch") { fixture in
            let host = fixture.sandbox
            let socket = fixture.adminSocket
            _ = try host.addVTEP(on: underlay, address: "10.9.6.1/24", ofport: 100)
            try host.addContainer("c1", mac: "02:00:00:00:00:0a", addresses: ["10.77.0.1/24"], ofport: 1)
            try host.addContainer("c2", mac: "02:00:00:00:00:0b", addresses: ["10.77.0.2/24"], ofport: 2)
            try host.addContainer("e1", mac: "02:00:00:00:00:0e", addresses: ["10.77.0.1/24"], ofport: 3)
            try fixture.addRemoteVTEP(Self.remoteVTEP, on: underlay)

            let reflector = try fixture.startReflector(on: "10.9.6.1")
            let agent = try fixture.startAgent(configuration: fixture.configuration(vtep: "10.9.6.1", admin: true, reflector: true, Self.tenants))
            let gobgpd = try GoBGPDaemon(address: Self.remoteVTEP, peer: "10.9.6.1", peerPort: AgentSandbox.reflectorPort, netns: underlay.name)
            defer { gobgpd.stop() }
            func logs() -> String { "agent:\n\(agent.output.suffix(2000))\nrr:\n\(reflector.output.suffix(800))" }

            let added = try await eventually(20, every: .milliseconds(200)) {
                try gobgpd.evpn(GoBGPDaemon.macadv(Self.remoteMAC, Self.remoteIP, vni: 10, vtep: Self.remoteVTEP, rd: 10))
            }
            #expect(added, "gobgp could not add the route")
            // The switch holds every wanted flow, the remote endpoint's among them.
            let client = AdminClient(address: .unix(path: socket))
            let converged = await eventually(30, every: .milliseconds(200)) {
                guard let r = (try? client.get("/flows?live=1", as: [FlowReport].self))?.first else { return false }
                return r.counts[.installed] == r.flows.count && r.flows.contains { $0.role == "forward-remote" }
            }
            #expect(converged, "\(logs())")
            guard converged else { return }

            var ofport: [UInt32: UInt32] = [:]  // datapath port -> OpenFlow port, on br0
            var inBridge = false
            for line in try host.appctl("dpif/show").split(separator: "\n") {
                if line.hasSuffix(":") && !line.contains("/") { inBridge = line.trimmingCharacters(in: .whitespaces) == "br0:" }
                let words = line.split(separator: " ")
                guard inBridge, words.count >= 2, case let pair = words[1].dropLast().split(separator: "/"), pair.count == 2,
                      let of = UInt32(pair[0]), let dp = UInt32(pair[1]) else { continue }
                ofport[dp] = of
            }

            // (from, to, vni, the endings we expect, packet by packet)
            let cases: [(String, String, String?, [String])] = [
                ("c1", "10.77.0.2", nil, ["arp-reply port 1 02:00:00:00:00:0b", "local port 2"]),
                ("c1", Self.remoteIP, nil, ["arp-reply port 1 \(Self.remoteMAC)", "tunnel vni 10 \(Self.remoteVTEP)"]),
                ("02:00:00:00:00:0b", "ff:ff:ff:ff:ff:ff", nil, ["drop"]),
                ("c2", "02:00:00:00:00:77", nil, ["drop"]),
                ("c1", "10.77.0.1", nil, ["controller", "drop"]),  // its own address: OVS never outputs to the in_port
                ("10.77.0.1", "10.77.0.2", "11", ["controller"]),
            ]
            for (from, to, vni, expected) in cases {
                let arguments = ["trace", "--from", from, "--to", to] + (vni.map { ["--vni", $0] } ?? [])
                let json = try Built.ctl(socket, arguments + ["--json"])
                #expect(json.status == 0, "\(arguments): \(json.stderr)")
                let report = try JSONDecoder().decode(TraceReport.self, from: Data(json.stdout.utf8))
                #expect(report.packets.map { Self.ending($0).description } == expected, "\(arguments): \(report.packets.map(\.verdict))")
                for packet in report.packets {
                    let ovs = try host.appctl("ofproto/trace", host.bridge, packet.ovsFlow)
                    #expect(Self.steps(ovsTrace: ovs) == packet.steps.map { "\($0.table) \($0.cookie)" },
                            "\(arguments) \(packet.kind): OVS hit other flows\n\(ovs)")
                    #expect(Self.ending(ovsTrace: ovs, ofport: ofport) == Self.ending(packet),
                            "\(arguments) \(packet.kind): ours \(packet.verdict), OVS:\n\(ovs)")
                }
            }

            // The table form: each packet's flows, its verdict and OVS's command.
            let text = try Built.ctl(socket, ["trace", "--from", "c1", "--to", Self.remoteIP])
            print(text.stdout)
            #expect(text.status == 0 && text.stdout.hasPrefix("from c1 (br0 port 1, VNI 10, 02:00:00:00:00:0a 10.77.0.1) to \(Self.remoteIP)"),
                    "\(text.stdout)\(text.stderr)")
            #expect(text.stdout.contains("=> answered by the ARP responder: \(Self.remoteIP) is-at \(Self.remoteMAC), out port 1"), "\(text.stdout)")
            #expect(text.stdout.contains("=> into VXLAN VNI 10 towards VTEP \(Self.remoteVTEP) (port 100)"), "\(text.stdout)")
            #expect(text.stdout.contains("arp-responder vni 10") && text.stdout.contains("ovs-appctl ofproto/trace br0 'in_port=1,"))
            let unresolved = try Built.ctl(socket, ["trace", "--from", "c1", "--to", "10.77.0.50"])
            #expect(unresolved.status == 0 && unresolved.stdout.contains("no IPv4 packet follows"), "\(unresolved.stdout)")

            // `endpoints` names the ports as `--from` takes them.
            let endpoints = try Built.ctl(socket, ["endpoints"])
            #expect(endpoints.stdout.contains("br0 port 1 (c1)") && endpoints.stdout.contains("br0 port 3 (e1)"), "\(endpoints.stdout)")

            // Errors: an unknown endpoint and an ambiguous one exit 1 with the daemon's reason; usage errors exit 2.
            let unknown = try Built.ctl(socket, ["trace", "--from", "c9", "--to", "10.77.0.2"])
            #expect(unknown.status == 1 && unknown.stderr.contains("404") && unknown.stderr.contains("no local endpoint 'c9'")
                    && unknown.stderr.contains("c1 (VNI 10, 02:00:00:00:00:0a)"), "\(unknown.stderr)")
            let ambiguous = try Built.ctl(socket, ["trace", "--from", "10.77.0.1", "--to", "10.77.0.2"])
            #expect(ambiguous.status == 1 && ambiguous.stderr.contains("in VNIs 10, 11: add vni="), "\(ambiguous.stderr)")
            let badTarget = try Built.ctl(socket, ["trace", "--from", "c1", "--to", "nowhere"])
            #expect(badTarget.status == 1 && badTarget.stderr.contains("expected an IPv4 or MAC address"), "\(badTarget.stderr)")
            for usage in [["trace", "--to", "10.77.0.2"], ["trace", "--from", "c1", "--to", "10.77.0.2", "--vni", "16777216"]] {
                let result = try Built.ctl(socket, usage)
                #expect(result.status == 2, "\(usage): \(result.status) \(result.stderr)")
            }
        }
    }
}
