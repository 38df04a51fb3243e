import BGP
import BGPSpeaker
import Testing
import TestSupport

/// RFC 4271 §9.1.2.2 with the RFC 4456 §9 changes, one rule per row.
struct DecisionProcessTests {
    struct Row: NamedRow {
        var name: String
        var a: CandidatePath
        var b: CandidatePath
        /// The rule by which `a` wins; nil when `b` wins.
        var rule: DecisionProcess.Rule?
    }

    static func path(lp: UInt32? = nil, asPath: [UInt32] = [], origin: Origin = .igp, med: UInt32? = nil,
                     originator: IPv4Address? = nil, clusters: [IPv4Address]? = nil, routerID: IPv4Address = IPv4Address(10, 0, 0, 9),
                     address: IPv4Address = IPv4Address(10, 0, 0, 9), ebgp: Bool = false) -> CandidatePath {
        var a: [PathAttribute] = [PathAttribute(.origin(origin)), PathAttribute(.asPath(.sequence(asPath)))]
        if let lp { a.append(PathAttribute(.localPref(lp))) }
        if let med { a.append(PathAttribute(.multiExitDisc(med))) }
        if let originator { a.append(PathAttribute(.originatorID(originator))) }
        if let clusters { a.append(PathAttribute(.clusterList(ClusterList(clusters)))) }
        return CandidatePath(attributes: PathAttributes(a), peerRouterID: routerID, peerAddress: .v4(address), fromEBGP: ebgp)
    }

    static let low = IPv4Address(1, 1, 1, 1), mid = IPv4Address(2, 2, 2, 2), high = IPv4Address(3, 3, 3, 3)

    static let rows: [Row] = [
        Row(name: "higher LOCAL_PREF wins", a: path(lp: 200), b: path(lp: 100), rule: .localPref),
        Row(name: "lower LOCAL_PREF loses", a: path(lp: 100), b: path(lp: 200), rule: nil),
        Row(name: "missing LOCAL_PREF counts as 100", a: path(lp: 101), b: path(), rule: .localPref),
        Row(name: "shorter AS_PATH wins", a: path(asPath: [65001]), b: path(asPath: [65001, 65002]), rule: .asPathLength),
        Row(name: "IGP origin beats incomplete", a: path(origin: .igp), b: path(origin: .incomplete), rule: .origin),
        Row(name: "EGP origin loses to IGP", a: path(origin: .egp), b: path(origin: .igp), rule: nil),
        Row(name: "lower MED wins from the same AS", a: path(asPath: [65001], med: 10), b: path(asPath: [65001], med: 20), rule: .med),
        Row(name: "MED not compared across ASes", a: path(asPath: [65001], med: 20, routerID: low), b: path(asPath: [65002], med: 10, routerID: mid), rule: .routerID),
        Row(name: "eBGP beats iBGP", a: path(ebgp: true), b: path(routerID: low), rule: .eBGPOverIBGP),
        Row(name: "lower router id wins", a: path(routerID: low), b: path(routerID: mid), rule: .routerID),
        Row(name: "ORIGINATOR_ID stands for the router id (wins)", a: path(originator: low, routerID: high), b: path(routerID: mid), rule: .routerID),
        Row(name: "ORIGINATOR_ID stands for the router id (loses)", a: path(originator: high, routerID: low), b: path(routerID: mid), rule: nil),
        Row(name: "shorter CLUSTER_LIST wins", a: path(originator: low, clusters: [mid]), b: path(originator: low, clusters: [mid, high]), rule: .clusterListLength),
        Row(name: "no CLUSTER_LIST beats one", a: path(originator: low), b: path(originator: low, clusters: [mid]), rule: .clusterListLength),
        Row(name: "lower peer address breaks the last tie", a: path(address: low), b: path(address: mid), rule: .peerAddress),
        Row(name: "identical paths: no winner", a: path(), b: path(), rule: nil),
    ]

    @Test(arguments: rows)
    func rule(_ row: Row) {
        #expect(DecisionProcess.winningRule(row.a, over: row.b) == row.rule)
        // Antisymmetry: when a wins, b does not.
        if row.rule != nil { #expect(DecisionProcess.winningRule(row.b, over: row.a) == nil) }
    }

    @Test func bestOfMany() {
        let paths = [Self.path(lp: 100, routerID: Self.low), Self.path(lp: 300, routerID: Self.high), Self.path(lp: 300, routerID: Self.mid)]
        #expect(DecisionProcess.best(paths) == 2)
        #expect(DecisionProcess.best([]) == nil)
    }
}
