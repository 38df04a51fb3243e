import Overlay

/// What the agent learned from traffic and would lose in a restart: its
/// gleaned endpoints, with how long each had been silent and the MAC mobility
/// sequence it advertised them with. Saved to the state file and read back
/// at start, so a restart neither withdraws their routes (the first
/// End-of-RIB after a restart is complete) nor removes their flows.
/// Addresses are text, so the file reads well and an unknown or bad entry
/// is skipped alone.
public struct LearnedState: Codable, Hashable, Sendable {
    public struct GleanedEndpoint: Codable, Hashable, Sendable {
        public var bridge: String
        public var vni: UInt32
        public var mac: String
        public var ipv4: [String]
        public var ipv6: [String]
        public var port: UInt32
        /// Seconds since it was last seen, when the state was taken.
        public var silentSeconds: Double
        /// The MAC mobility sequence advertised for it (RFC 7432 section 15), when above 0.
        public var mobilitySequence: UInt32?

        public init(bridge: String, vni: UInt32, mac: String, ipv4: [String] = [], ipv6: [String] = [], port: UInt32,
                    silentSeconds: Double, mobilitySequence: UInt32? = nil) {
            self.bridge = bridge
            self.vni = vni
            self.mac = mac
            self.ipv4 = ipv4
            self.ipv6 = ipv6
            self.port = port
            self.silentSeconds = silentSeconds
            self.mobilitySequence = mobilitySequence
        }
    }

    /// Bumped when the meaning of a field changes; a file of another version is not read.
    public static let currentVersion = 1
    public var version: Int
    /// When it was written (seconds since the epoch): the time the agent was
    /// away counts as silence too.
    public var savedAt: Double?
    public var gleaned: [GleanedEndpoint]

    public init(gleaned: [GleanedEndpoint] = []) {
        version = Self.currentVersion
        self.gleaned = gleaned
    }
}

/// What `AgentCore.restore` took from a `LearnedState`, and why it left the rest.
public struct LearnedStateRestore: Hashable, Sendable {
    public var restored = 0
    /// One line per entry left out, naming it and the reason.
    public var skipped: [String] = []

    public init(restored: Int = 0, skipped: [String] = []) {
        self.restored = restored
        self.skipped = skipped
    }
}
