import Agent
import Testing
import TestSupport

/// A starting agent advertises only once it knows its own ports, and touches
/// the switches only once it knows the remote endpoints, or waited long enough.
struct SelectionDeferralTests {
    enum Fact: Sendable {
        case bridge(String, at: Int)
        /// Time passes (ms since start), the reflectors' End-of-RIB arrived or not.
        case tick(at: Int, routes: Bool)
    }

    struct Row: NamedRow {
        var name: String
        var bridges: Set<String>
        var reflectors: Bool
        var facts: [Fact]
        var phase: SelectionDeferral.Phase
        var reason: SelectionDeferral.Reason?
    }

    static let rows: [Row] = [
        Row(name: "nothing known yet", bridges: ["br0"], reflectors: true, facts: [.tick(at: 100, routes: false)],
            phase: .learningLocal),
        Row(name: "ports known, routes not yet", bridges: ["br0"], reflectors: true,
            facts: [.bridge("br0", at: 50), .tick(at: 100, routes: false)], phase: .awaitingRoutes),
        Row(name: "one of two bridges known", bridges: ["br0", "br1"], reflectors: true,
            facts: [.bridge("br0", at: 50), .tick(at: 100, routes: true)], phase: .learningLocal),
        Row(name: "ports and End-of-RIB", bridges: ["br0"], reflectors: true,
            facts: [.bridge("br0", at: 50), .tick(at: 300, routes: true)], phase: .settled, reason: .complete),
        Row(name: "End-of-RIB before the ports still waits for them", bridges: ["br0"], reflectors: true,
            facts: [.tick(at: 100, routes: true)], phase: .learningLocal),
        Row(name: "OVSDB silent: local wait passes", bridges: ["br0"], reflectors: true,
            facts: [.tick(at: 5_000, routes: false)], phase: .awaitingRoutes),
        Row(name: "reflectors silent: deferral time passes", bridges: ["br0"], reflectors: true,
            facts: [.bridge("br0", at: 50), .tick(at: 30_049, routes: false), .tick(at: 30_050, routes: false)],
            phase: .settled, reason: .timedOut),
        Row(name: "deferral time counts from advertising", bridges: ["br0"], reflectors: true,
            facts: [.bridge("br0", at: 4_000), .tick(at: 30_000, routes: false)], phase: .awaitingRoutes),
        Row(name: "no reflector: settled once ports known", bridges: ["br0"], reflectors: false,
            facts: [.bridge("br0", at: 50)], phase: .settled, reason: .noReflectors),
        Row(name: "static ports only, no reflector: settled at once", bridges: [], reflectors: false,
            facts: [.tick(at: 0, routes: false)], phase: .settled, reason: .noReflectors),
    ]

    @Test(arguments: rows)
    func phases(_ row: Row) {
        var deferral = SelectionDeferral(bridgesFromDatabase: row.bridges, waitsForRoutes: row.reflectors,
                                         localWait: .seconds(5), routesWait: .seconds(30))
        for fact in row.facts {
            switch fact {
            case let .bridge(name, at): deferral.bridgeSynchronized(name, elapsed: .milliseconds(at))
            case let .tick(at, routes): deferral.advance(elapsed: .milliseconds(at), routesReceived: routes)
            }
        }
        #expect(deferral.phase == row.phase)
        #expect(deferral.reason == row.reason)
        #expect(deferral.mayAdvertise == (row.phase != .learningLocal))
        #expect(deferral.mayProgramSwitches == (row.phase == .settled))
    }
}
