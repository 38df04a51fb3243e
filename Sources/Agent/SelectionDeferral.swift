/// What a starting agent may do yet. A restart must not remove a flow that
/// is still right, so the agent defers, as RFC 4724 section 4.1 has a
/// restarting speaker defer its route selection:
/// - advertising (and so its End-of-RIB) until it knows its own endpoints:
///   every bridge read from OVSDB has been synchronised once, or
///   `localWait` has passed. An End-of-RIB sent before would make the route
///   reflector purge the routes it kept for us;
/// - programming the switches until it knows the remote endpoints: each
///   route reflector has sent its End-of-RIB, or `routesWait` has passed
///   since advertising began (the reflectors may be down; local traffic
///   must then still work).
/// Fed with facts and the time since start; a plain value, so it is tested
/// without sockets or clocks.
public struct SelectionDeferral: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Reading the local ports; nothing advertised, switches untouched.
        case learningLocal
        /// Advertising; waiting for the reflectors' tables.
        case awaitingRoutes
        /// Everything known: advertise and reconcile as usual.
        case settled
    }

    /// Why the deferral ended: the operator wants to see a timeout.
    public enum Reason: String, Sendable, Equatable {
        case complete = "every End-of-RIB received"
        case noReflectors = "no route reflector configured"
        case timedOut = "selection deferral time passed"
    }

    public private(set) var phase: Phase = .learningLocal
    public private(set) var reason: Reason?
    private var pendingBridges: Set<String>
    /// When advertising began: the routes' wait counts from there.
    private var advertisingSince: Duration?
    private let waitsForRoutes: Bool
    private let localWait: Duration
    private let routesWait: Duration

    public init(bridgesFromDatabase: Set<String>, waitsForRoutes: Bool, localWait: Duration, routesWait: Duration) {
        pendingBridges = bridgesFromDatabase
        self.waitsForRoutes = waitsForRoutes
        self.localWait = localWait
        self.routesWait = routesWait
    }

    public var mayAdvertise: Bool { phase != .learningLocal }
    public var mayProgramSwitches: Bool { phase == .settled }

    /// A bridge's ports were read from OVSDB.
    public mutating func bridgeSynchronized(_ bridge: String, elapsed: Duration) {
        pendingBridges.remove(bridge)
        advance(elapsed: elapsed, routesReceived: false)
    }

    /// Moves on as far as the facts allow; returns true when the phase changed.
    @discardableResult
    public mutating func advance(elapsed: Duration, routesReceived: Bool) -> Bool {
        let before = phase
        if phase == .learningLocal, pendingBridges.isEmpty || elapsed >= localWait {
            phase = .awaitingRoutes
            advertisingSince = elapsed
        }
        if phase == .awaitingRoutes {
            if !waitsForRoutes {
                phase = .settled; reason = .noReflectors
            } else if routesReceived {
                phase = .settled; reason = .complete
            } else if let since = advertisingSince, elapsed - since >= routesWait {
                phase = .settled; reason = .timedOut
            }
        }
        return phase != before
    }
}
