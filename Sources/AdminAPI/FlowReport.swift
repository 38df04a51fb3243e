import OpenFlow

/// `GET /flows`: a switch's flows as the agent wants them and, with `live`,
/// compared with the switch's own flow dump.
public struct FlowReport: Codable, Hashable, Sendable {
    /// How a flow compares with the switch (with `live`); `wanted` without.
    public enum State: String, Codable, Hashable, Sendable, CaseIterable {
        /// Wanted, not compared with the switch.
        case wanted
        /// On the switch as wanted.
        case installed
        /// Wanted, absent from the switch.
        case missing
        /// On the switch with other instructions, cookie or timeouts.
        case different
        /// Ours by cookie, on the switch, not wanted.
        case extra
        /// Not ours (another cookie): left alone.
        case foreign
    }

    public struct Flow: Codable, Hashable, Sendable {
        public var table: UInt8
        public var priority: UInt16
        /// 0x-prefixed hex.
        public var cookie: String
        /// The pipeline's role from the cookie (drop-broadcast, forward-local, ...).
        public var role: String?
        public var vni: UInt32?
        public var match: String
        public var instructions: String
        public var state: State
        public var packets: UInt64?
        public var bytes: UInt64?

        public init(table: UInt8, priority: UInt16, cookie: String, role: String?, vni: UInt32?, match: String, instructions: String,
                    state: State, packets: UInt64?, bytes: UInt64?) {
            self.table = table; self.priority = priority; self.cookie = cookie; self.role = role; self.vni = vni; self.match = match
            self.instructions = instructions; self.state = state; self.packets = packets; self.bytes = bytes
        }
    }

    public var dpid: DatapathID
    public var bridge: String?
    public var live: Bool
    public var flows: [Flow]

    public init(dpid: DatapathID, bridge: String?, live: Bool, flows: [Flow]) {
        self.dpid = dpid; self.bridge = bridge; self.live = live; self.flows = flows
    }

    /// Flows per state, for a summary line.
    public var counts: [State: Int] { flows.reduce(into: [:]) { $0[$1.state, default: 0] += 1 } }
}
