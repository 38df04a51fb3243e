import OpenFlow

/// `GET /trace?from=&to=&vni=`: the packets a local endpoint would send to
/// reach `to`, each walked through the agent's wanted flows. For an IP
/// destination: the ARP request first, then the IPv4 packet to the MAC it
/// resolves to.
public struct TraceReport: Codable, Hashable, Sendable {
    /// The local endpoint the packets come from.
    public struct Source: Codable, Hashable, Sendable {
        public var bridge: String
        public var dpid: DatapathID?
        public var port: UInt32
        /// The OVS port name, when the switch or OVSDB told it.
        public var portName: String?
        public var vni: UInt32
        public var mac: String
        public var ips: [String]

        public init(bridge: String, dpid: DatapathID?, port: UInt32, portName: String?, vni: UInt32, mac: String, ips: [String]) {
            self.bridge = bridge; self.dpid = dpid; self.port = port; self.portName = portName; self.vni = vni; self.mac = mac
            self.ips = ips
        }
    }

    public struct Step: Codable, Hashable, Sendable {
        public var table: UInt8
        public var priority: UInt16
        public var cookie: String
        /// The pipeline's role from the cookie (arp-responder, forward-remote, ...).
        public var role: String?
        public var vni: UInt32?
        public var match: String
        public var actions: [String]

        public init(table: UInt8, priority: UInt16, cookie: String, role: String?, vni: UInt32?, match: String, actions: [String]) {
            self.table = table; self.priority = priority; self.cookie = cookie; self.role = role; self.vni = vni; self.match = match
            self.actions = actions
        }
    }

    /// Where the packet leaves: kind local, arp-reply, tunnel or controller.
    public struct Output: Codable, Hashable, Sendable {
        public var kind: String
        public var port: UInt32?
        public var vni: UInt64?
        public var vtep: String?
        public var mac: String?
        public var text: String

        public init(kind: String, port: UInt32? = nil, vni: UInt64? = nil, vtep: String? = nil, mac: String? = nil, text: String) {
            self.kind = kind; self.port = port; self.vni = vni; self.vtep = vtep; self.mac = mac; self.text = text
        }
    }

    public struct Packet: Codable, Hashable, Sendable {
        /// "arp-request" or "ipv4".
        public var kind: String
        public var description: String
        /// The same packet for `ovs-appctl ofproto/trace BRIDGE FLOW`.
        public var ovsFlow: String
        public var steps: [Step]
        public var outputs: [Output]
        /// arp-reply, local, tunnel, flood, controller or drop.
        public var verdictKind: String
        public var verdict: String

        public init(kind: String, description: String, ovsFlow: String, steps: [Step], outputs: [Output], verdictKind: String,
                    verdict: String) {
            self.kind = kind; self.description = description; self.ovsFlow = ovsFlow; self.steps = steps; self.outputs = outputs
            self.verdictKind = verdictKind; self.verdict = verdict
        }
    }

    public var from: Source
    public var to: String
    public var packets: [Packet]
    /// Why the trace stopped early (an IP no ARP answer resolves), if it did.
    public var note: String?

    public init(from: Source, to: String, packets: [Packet], note: String?) {
        self.from = from; self.to = to; self.packets = packets; self.note = note
    }
}
