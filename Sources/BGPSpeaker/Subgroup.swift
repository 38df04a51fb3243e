import BGP

/// Peers planned as one (update groups and subgroups): peers with the same
/// export (families, client or not, eBGP or not, route target membership),
/// the same session options and the same Adj-RIB-Out share one set of
/// tables in the RIB, kept under a pseudo peer id: routes are marked once
/// for all of them, one plan is taken and encoded, and every member is
/// written the same bytes. A generation is one plan: a member takes each
/// in turn. A member that falls behind (the group waited `stallRounds`
/// asks per member for it), that differs (it sources a route the group is
/// sent, or is its ORIGINATOR_ID), that is asked with other options or
/// families, or whose state changes alone (a refresh, its membership) splits
/// off with a copy of the group's tables and the generation it had not
/// taken yet; a peer in step with a group (nothing owed, the same tables)
/// joins it. A group keeps no more than one generation's bytes.
struct Subgroup: Sendable {
    var members: [PeerID] = []
    /// The members' router ids, counted: a route whose ORIGINATOR_ID is one must not go to that member.
    var routerIDs: [IPv4Address: Int] = [:]
    var generation = 0
    /// The last generation's messages, for the members that have not taken them yet.
    var output = OutboundMessages()
    /// Members that have taken the last generation.
    var taken = 0
    /// Asks for a new generation refused since the last, while members had not taken it.
    var stalls = 0

    /// Asks per member the group waits for its slowest before that one splits off.
    static let stallRounds = 8

    var behind: Int { members.count - taken }
}

/// What must be equal for peers to share their UPDATEs.
struct SubgroupKey: Hashable, Sendable {
    var families: Set<AddressFamily>
    var routeReflectorClient: Bool
    var ebgp: Bool
    var options: SessionOptions
    var membership: RouteTargetMembership?
    var awaitingMembership: Bool
}

/// A peer or group in step, found by its key and its Adj-RIB-Out's size and fingerprint.
struct SubgroupSyncKey: Hashable, Sendable {
    var key: SubgroupKey
    var count: Int
    var fingerprint: UInt64
}
