import OpenFlowTables

/// Why a flow exists, written into its cookie next to its VNI so that a flow
/// dump names its owner, reconciliation knows which flows are ours, and the
/// agent can sum drop counters per tenant (`swiftplanectl bum`).
public enum FlowRole: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case classifyPort = 1
    case classifyTunnel = 2
    case classifyMiss = 3
    case sourceKnown = 4
    case sourceUnknown = 5
    case arpResponder = 6
    case arpFromOwner = 7
    case arpToController = 8
    case neighborSolicitationToController = 9
    case addressResolutionMiss = 10
    case forwardLocal = 11
    case forwardRemote = 12
    case dropBroadcast = 13
    case dropMulticast = 14
    case dropUnknownUnicast = 15
    case forwardMiss = 16
    case floodBroadcast = 17
    case floodMulticast = 18
    case floodUnknownUnicast = 19
    case floodFromTunnel = 20
    case sourceLearnAddress = 21
    case ndResponder = 22
    case neighborAdvertisementOut = 23
    case sourceAllowed = 24
    case dropSpoofed = 25

    public var description: String {
        switch self {
        case .classifyPort: "classify-port"
        case .classifyTunnel: "classify-tunnel"
        case .classifyMiss: "classify-miss"
        case .sourceKnown: "source-known"
        case .sourceUnknown: "source-unknown"
        case .arpResponder: "arp-responder"
        case .arpFromOwner: "arp-from-owner"
        case .arpToController: "arp-to-controller"
        case .neighborSolicitationToController: "nd-to-controller"
        case .addressResolutionMiss: "arp-nd-miss"
        case .forwardLocal: "forward-local"
        case .forwardRemote: "forward-remote"
        case .dropBroadcast: "drop-broadcast"
        case .dropMulticast: "drop-multicast"
        case .dropUnknownUnicast: "drop-unknown-unicast"
        case .forwardMiss: "forward-miss"
        case .floodBroadcast: "flood-broadcast"
        case .floodMulticast: "flood-multicast"
        case .floodUnknownUnicast: "flood-unknown-unicast"
        case .floodFromTunnel: "flood-from-tunnel"
        case .sourceLearnAddress: "source-learn-address"
        case .ndResponder: "nd-responder"
        case .neighborAdvertisementOut: "nd-advertisement-out"
        case .sourceAllowed: "source-allowed"
        case .dropSpoofed: "drop-spoofed"
        }
    }

    /// The roles whose packet counters are the BUM-less proof.
    public var isBUMDrop: Bool { self == .dropBroadcast || self == .dropMulticast || self == .dropUnknownUnicast }
}

/// The cookie layout inside swiftplane's cookie space: bits 32..39 the role,
/// bits 0..23 the VNI (0 for flows that belong to no tenant).
public struct FlowCookie: Hashable, Sendable, CustomStringConvertible {
    public var role: FlowRole
    public var vni: VNI?

    public static let space = CookieSpace.swiftplane

    public init(_ role: FlowRole, vni: VNI? = nil) {
        self.role = role
        self.vni = vni
    }

    /// Nil for a cookie outside swiftplane's space or with an unknown role.
    public init?(cookie: UInt64) {
        guard Self.space.contains(cookie), let role = FlowRole(rawValue: UInt8(truncatingIfNeeded: cookie >> 32)) else {
            return nil
        }
        self.role = role
        let vni = UInt32(truncatingIfNeeded: cookie & 0xff_ffff)
        self.vni = vni == 0 ? nil : VNI(rawValue: vni)
    }

    public var cookie: UInt64 {
        Self.space.cookie(UInt64(role.rawValue) << 32 | UInt64(vni?.rawValue ?? 0))
    }

    /// The cookie and mask that select every flow of `role`, whatever its
    /// VNI (a flow-stats request reads only those).
    public static func selecting(_ role: FlowRole) -> (cookie: UInt64, mask: UInt64) {
        (FlowCookie(role).cookie, space.mask | 0xff << 32)
    }

    public var description: String { vni.map { "\(role) vni \($0)" } ?? "\(role)" }
}
