import AdminAPI
import OpenFlow
import Overlay
import Packets

/// `GET /trace`: what the pipeline does with the packets a local endpoint
/// sends to reach a destination, computed with `PacketTrace` from the same
/// bridge state the flows come from (the switch is not asked).
extension AgentDaemon {
    /// A local endpoint with where it sits.
    struct TraceSource {
        var bridge: String
        var state: BridgeState
        var endpoint: Endpoint
        var port: UInt32
        var portName: String?
    }

    func traceReport(_ request: AdminRequest) throws(AdminError) -> TraceReport {
        guard let from = request.query["from"], !from.isEmpty else { throw .badRequest("query parameter 'from' is required: a port name, MAC or IP of a local endpoint") }
        guard let to = request.query["to"], !to.isEmpty else { throw .badRequest("query parameter 'to' is required: an IPv4 or MAC address") }
        let vni = try request.integer("vni", in: 0...Int(VNI.maximum)).map { UInt32($0) }
        let source = try traceSource(from, vni: vni)
        let e = source.endpoint, sender = e.ipv4.first ?? .any
        let dpid = bridgeOf.first { $0.value == source.bridge }?.key
        let origin = TraceReport.Source(bridge: source.bridge, dpid: dpid, port: source.port, portName: source.portName,
                                        vni: e.vni.rawValue, mac: "\(e.mac)", ips: e.ipv4.map(\.description) + e.ipv6.map(\.description))
        if let mac = EthernetAddress(to) {
            let ip = source.state.endpoints[EndpointKey(vni: e.vni, mac: mac)]?.ipv4.first ?? (mac == .broadcast ? .broadcast : .any)
            let packet = TracePacket.ipv4(inPort: source.port, from: e.mac, to: mac, source: sender, destination: ip)
            return TraceReport(from: origin, to: to, packets: [Self.report(PacketTrace.run(packet, in: source.state))], note: nil)
        }
        guard let ip = IPv4Address(to) else { throw .badRequest("query parameter 'to': invalid value '\(to)': expected an IPv4 or MAC address") }
        let arp = PacketTrace.run(.arpRequest(inPort: source.port, mac: e.mac, sender: sender, target: ip), in: source.state)
        var note: String?
        let resolved: EthernetAddress?
        if case let .output(.arpReply(mac, _, _)) = arp.verdict {
            resolved = mac
        } else if let owner = source.state.endpoints.values.first(where: { $0.vni == e.vni && $0.ipv4.contains(ip) }) {
            // Sent to the agent, which answers from the same endpoint table.
            resolved = owner.mac
            note = "the ARP request goes to the agent, which answers \(ip) is-at \(owner.mac)"
        } else {
            resolved = nil
            note = "no endpoint of VNI \(e.vni) has \(ip): the ARP request stays unanswered, so no IPv4 packet follows"
        }
        var packets = [Self.report(arp)]
        if let resolved {
            packets.append(Self.report(PacketTrace.run(
                .ipv4(inPort: source.port, from: e.mac, to: resolved, source: sender, destination: ip), in: source.state)))
        }
        return TraceReport(from: origin, to: to, packets: packets, note: note)
    }

    /// The one local endpoint `from` names: its OVS port name, MAC or IP.
    func traceSource(_ from: String, vni: UInt32?) throws(AdminError) -> TraceSource {
        var all: [TraceSource] = []
        for bridge in core.bridges {
            guard let state = core.bridgeState(bridge) else { continue }
            for endpoint in state.endpoints.values.sorted(by: { $0.key < $1.key }) {
                guard case let .local(port) = endpoint.location else { continue }
                all.append(TraceSource(bridge: bridge, state: state, endpoint: endpoint, port: port, portName: portName(bridge, port)))
            }
        }
        let mac = EthernetAddress(from), ip = IPv4Address(from), ipv6 = IPv6Address(from)
        let named = all.filter { s in
            if let mac { return s.endpoint.mac == mac }
            if let ip { return s.endpoint.ipv4.contains(ip) }
            if let ipv6 { return s.endpoint.ipv6.contains(ipv6) }
            return s.portName == from
        }
        let found = named.filter { vni == nil || $0.endpoint.vni.rawValue == vni }
        guard found.count == 1, let source = found.first else {
            if found.count > 1 {
                throw .badRequest("'\(from)' names \(found.count) local endpoints, in VNIs \(found.map { "\($0.endpoint.vni)" }.joined(separator: ", ")): add vni=")
            }
            let known = all.map { "\($0.portName ?? "port \($0.port)") (VNI \($0.endpoint.vni), \($0.endpoint.mac))" }
            throw .notFound("no local endpoint '\(from)'" + (vni.map { " in VNI \($0)" } ?? "")
                + "; local endpoints: " + (known.isEmpty ? "none" : known.joined(separator: ", ")))
        }
        return source
    }

    /// The OVS name of a port: from the switch's port list, else from OVSDB.
    func portName(_ bridge: String, _ port: UInt32) -> String? {
        let dpid = bridgeOf.first { $0.value == bridge }?.key
        return dpid.flatMap { switchInfo[$0]?.info.ports.first { $0.portNo == port } }.map { "\($0.name)" }
            ?? attached[bridge]?.first { $0.ofport == port }?.name
    }

    static func report(_ result: TraceResult) -> TraceReport.Packet {
        let kind = if case .arpRequest = result.packet.payload { "arp-request" } else { "ipv4" }
        let steps = result.steps.map { s in
            TraceReport.Step(table: s.table, priority: s.priority, cookie: "0x" + String(s.cookie, radix: 16),
                             role: s.role?.role.description, vni: s.role?.vni?.rawValue, match: "\(s.match)", actions: s.actions)
        }
        let outputs = result.outputs.map { output -> TraceReport.Output in
            switch output {
            case let .local(port): TraceReport.Output(kind: "local", port: port, text: output.description)
            case let .arpReply(mac, _, port): TraceReport.Output(kind: "arp-reply", port: port, mac: "\(mac)", text: output.description)
            case let .tunnel(vni, vtep, port): TraceReport.Output(kind: "tunnel", port: port, vni: vni, vtep: "\(vtep)", text: output.description)
            case .controller: TraceReport.Output(kind: "controller", text: output.description)
            }
        }
        return TraceReport.Packet(kind: kind, description: result.packet.description, ovsFlow: result.packet.ovsFlow, steps: steps,
                                  outputs: outputs, verdictKind: result.verdict.kind, verdict: result.verdict.description)
    }
}
