import BGP
import BGPSpeaker
import NIOCore
import Testing
import TestSupport

/// The FSM as tables: a sequence of (seconds, event) and, after each event,
/// the state and the actions in a short text form.
struct SessionTests {
    static let us = IPv4Address(10, 0, 0, 1)
    static let them = IPv4Address(10, 0, 0, 2)
    static let passive = SessionConfiguration(localAS: 65000, routerID: us, peerAS: 65000, passive: true)
    static let active = SessionConfiguration(localAS: 65000, routerID: us, peerAS: 65000, passive: false)

    static func open(as asn: UInt32 = 65000, hold: UInt16 = 90, id: IPv4Address = them, version: UInt8 = 4,
                     families: [AddressFamily] = [.l2vpnEVPN]) -> SessionEvent {
        var o = Open(asn: asn, holdTime: hold, bgpIdentifier: id, capabilities: families.map { .multiprotocol($0) })
        o.version = version
        return .received(.open(o))
    }

    static let keepalive = SessionEvent.received(.keepalive)
    static let update = SessionEvent.received(.update(.update(Update())))

    struct Step: Sendable, CustomStringConvertible {
        var at: Int64
        var event: SessionEvent
        var state: SessionState
        var actions: [String]
        init(_ at: Int64, _ event: SessionEvent, _ state: SessionState, _ actions: [String]) {
            self.at = at; self.event = event; self.state = state; self.actions = actions
        }
        var description: String { "t=\(at) \(event)" }
    }

    struct Case: NamedRow {
        var name: String
        var configuration: SessionConfiguration
        var steps: [Step]
    }

    /// Up to Established on a passive session, from t=0.
    static let upPassive: [Step] = [
        Step(0, .start, .active, []),
        Step(0, .connectionUp, .openSent, ["send OPEN"]),
        Step(0, open(), .openConfirm, ["send KEEPALIVE"]),
        Step(0, keepalive, .established, ["established"]),
    ]

    static let cases: [Case] = [
        Case(name: "passive session comes up, keeps alive, goes down on NOTIFICATION", configuration: passive, steps: upPassive + [
            Step(29, .timePassed, .established, []),
            Step(30, .timePassed, .established, ["send KEEPALIVE"]),
            Step(31, update, .established, ["update"]),
            Step(32, .received(.notification(Notification(.cease(.administrativeShutdown)))), .idle, ["close", "down"]),
        ]),
        Case(name: "active session connects, retries after a failure", configuration: active, steps: [
            Step(0, .start, .connect, ["connect"]),
            Step(1, .connectionDown, .active, []),
            Step(30, .timePassed, .active, []),
            Step(31, .timePassed, .connect, ["connect"]),
            Step(32, .connectionUp, .openSent, ["send OPEN"]),
        ]),
        // RFC 4271 §6.8: the peer closed this connection of a collision and keeps
        // the other; the session takes that one (our dial completing, or the
        // peer's arriving) at once instead of waiting out the connect-retry timer.
        Case(name: "collision CEASE in OpenSent waits in Active for the kept connection", configuration: active, steps: [
            Step(0, .start, .connect, ["connect"]),
            Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(1, .received(.notification(Notification(.cease(.connectionCollisionResolution)))), .active, ["close"]),
            Step(1, .connectionUp, .openSent, ["send OPEN"]),
            Step(1, open(), .openConfirm, ["send KEEPALIVE"]),
            Step(1, keepalive, .established, ["established"]),
        ]),
        Case(name: "collision CEASE in OpenConfirm too", configuration: passive, steps: [
            Step(0, .start, .active, []),
            Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(), .openConfirm, ["send KEEPALIVE"]),
            Step(1, .received(.notification(Notification(.cease(.connectionCollisionResolution)))), .active, ["close"]),
            Step(2, .connectionUp, .openSent, ["send OPEN"]),
        ]),
        Case(name: "collision CEASE in Established ends the session (not a collision any more)", configuration: passive,
             steps: upPassive + [
            Step(1, .received(.notification(Notification(.cease(.connectionCollisionResolution)))), .idle, ["close", "down"]),
        ]),
        Case(name: "connect attempt that hangs is restarted by connect-retry", configuration: active, steps: [
            Step(0, .start, .connect, ["connect"]),
            Step(30, .timePassed, .connect, ["close", "connect"]),
        ]),
        Case(name: "hold timer expires in Established", configuration: passive, steps: upPassive + [
            Step(60, keepalive, .established, []),
            Step(149, .timePassed, .established, ["send KEEPALIVE"]),
            Step(150, .timePassed, .idle, ["send NOTIFICATION 4/0", "close", "down"]),
        ]),
        Case(name: "hold timer of OpenSent is the large one (240 s)", configuration: passive, steps: [
            Step(0, .start, .active, []),
            Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(239, .timePassed, .openSent, []),
            Step(240, .timePassed, .idle, ["send NOTIFICATION 4/0", "close"]),
        ]),
        Case(name: "OPEN from the wrong AS", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(as: 65001), .idle, ["send NOTIFICATION 2/2", "close"]),
        ]),
        Case(name: "OPEN with hold time 2", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(hold: 2), .idle, ["send NOTIFICATION 2/6", "close"]),
        ]),
        Case(name: "OPEN with our own identifier on iBGP", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(id: us), .idle, ["send NOTIFICATION 2/3", "close"]),
        ]),
        Case(name: "OPEN of version 3", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(version: 3), .idle, ["send NOTIFICATION 2/1", "close"]),
        ]),
        Case(name: "OPEN without l2vpn/evpn", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(families: [.ipv4Unicast]), .idle, ["send NOTIFICATION 2/7", "close"]),
        ]),
        Case(name: "UPDATE before OPEN", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, update, .idle, ["send NOTIFICATION 5/1", "close"]),
        ]),
        Case(name: "UPDATE in OpenConfirm", configuration: passive, steps: Array(upPassive.prefix(3)) + [
            Step(0, update, .idle, ["send NOTIFICATION 5/2", "close"]),
        ]),
        Case(name: "OPEN in Established", configuration: passive, steps: upPassive + [
            Step(1, open(), .idle, ["send NOTIFICATION 5/3", "close", "down"]),
        ]),
        Case(name: "RFC 7606 treat-as-withdraw keeps the session", configuration: passive, steps: upPassive + [
            Step(1, .received(.update(.treatAsWithdraw(withdrawn: [], errors: []))), .established, ["withdraw"]),
        ]),
        Case(name: "RFC 7606 session reset", configuration: passive, steps: upPassive + [
            Step(1, .received(.update(.sessionReset(BGPDecodingError("x", offset: 23, notification: Notification(.updateMessage(.malformedAttributeList)))))),
                 .idle, ["send NOTIFICATION 3/1", "close", "down"]),
        ]),
        Case(name: "stream error closes with its NOTIFICATION", configuration: passive, steps: upPassive + [
            Step(1, .decodingFailed(BGPDecodingError("marker", offset: 0, notification: Notification(.messageHeader(.connectionNotSynchronized)))),
                 .idle, ["send NOTIFICATION 1/1", "close", "down"]),
        ]),
        Case(name: "manual stop sends CEASE and stays down", configuration: passive, steps: upPassive + [
            Step(1, .stop(.administrativeShutdown), .idle, ["send NOTIFICATION 6/2", "close", "down"]),
            Step(500, .timePassed, .idle, []),
        ]),
        Case(name: "owner closes for max-prefix", configuration: passive, steps: upPassive + [
            Step(1, .close(Notification(.cease(.maximumNumberOfPrefixesReached))), .idle, ["send NOTIFICATION 6/1", "close", "down"]),
        ]),
        Case(name: "connection lost, automatic restart after connect-retry", configuration: passive, steps: upPassive + [
            Step(10, .connectionDown, .idle, ["close", "down"]),
            Step(39, .timePassed, .idle, []),
            Step(40, .timePassed, .active, []),
            Step(41, .connectionUp, .openSent, ["send OPEN"]),
        ]),
        Case(name: "hold time 0 agreed: no keepalive, no hold timer", configuration: passive, steps: [
            Step(0, .start, .active, []), Step(0, .connectionUp, .openSent, ["send OPEN"]),
            Step(0, open(hold: 0), .openConfirm, ["send KEEPALIVE"]),
            Step(0, keepalive, .established, ["established"]),
            Step(10_000, .timePassed, .established, []),
        ]),
        Case(name: "connection in Idle is refused", configuration: passive, steps: [
            Step(0, .connectionUp, .idle, ["close"]),
        ]),
        Case(name: "ROUTE-REFRESH in Established", configuration: passive, steps: upPassive + [
            Step(1, .received(.routeRefresh(RouteRefresh(family: .l2vpnEVPN))), .established, ["refresh"]),
        ]),
    ]

    static func text(_ a: SessionAction) -> String {
        switch a {
        case .connect: "connect"
        case .send(.open): "send OPEN"
        case .send(.keepalive): "send KEEPALIVE"
        case .send(.notification(let n)): "send NOTIFICATION \(n.code)/\(n.subcode)"
        case .send(.update): "send UPDATE"
        case .send(.routeRefresh): "send ROUTE-REFRESH"
        case .closeConnection: "close"
        case .established: "established"
        case .down: "down"
        case .restarting(_, let t, _): "restarting \(t)"
        case .update: "update"
        case .withdraw: "withdraw"
        case .routeRefresh: "refresh"
        }
    }

    @Test(arguments: cases)
    func fsm(_ c: Case) {
        var session = Session(c.configuration)
        let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
        for step in c.steps {
            let actions = session.handle(step.event, now: t0 + .seconds(step.at))
            #expect(session.state == step.state, "\(step)")
            #expect(actions.map(Self.text) == step.actions, "\(step)")
        }
    }

    struct Negotiation: NamedRow {
        var name: String
        var open: Open
        var hold: UInt16
        var families: Set<AddressFamily>
        var fourOctetAS: Bool
        var gracefulRestart: Bool
    }

    static let negotiations: [Negotiation] = [
        Negotiation(name: "smaller hold time wins", open: Open(asn: 65000, holdTime: 30, bgpIdentifier: them, capabilities: [.multiprotocol(.l2vpnEVPN)]),
                    hold: 30, families: [.l2vpnEVPN], fourOctetAS: true, gracefulRestart: false),
        Negotiation(name: "ours when theirs is larger", open: Open(asn: 65000, holdTime: 240, bgpIdentifier: them,
                                                                   capabilities: [.multiprotocol(.l2vpnEVPN), .multiprotocol(.ipv4Unicast)]),
                    hold: 90, families: [.l2vpnEVPN], fourOctetAS: true, gracefulRestart: false),
        Negotiation(name: "no 4-octet AS capability", open: Open(myAS: 65000, holdTime: 90, bgpIdentifier: them,
                                                                 parameters: [.capabilities([.multiprotocol(.l2vpnEVPN), .routeRefresh])]),
                    hold: 90, families: [.l2vpnEVPN], fourOctetAS: false, gracefulRestart: false),
        Negotiation(name: "graceful restart seen", open: Open(asn: 65000, holdTime: 9, bgpIdentifier: them, capabilities: [
            .multiprotocol(.l2vpnEVPN), .gracefulRestart(GracefulRestart(restartTime: 120, families: [.init(.l2vpnEVPN)]))]),
                    hold: 9, families: [.l2vpnEVPN], fourOctetAS: true, gracefulRestart: true),
    ]

    @Test(arguments: negotiations)
    func negotiation(_ n: Negotiation) throws {
        let agreed = try NegotiatedSession.negotiate(local: Self.passive, remote: n.open)
        #expect(agreed.holdTime == n.hold)
        #expect(agreed.keepaliveInterval == n.hold / 3)
        #expect(agreed.families == n.families)
        #expect(agreed.options.fourOctetAS == n.fourOctetAS)
        #expect((agreed.peerGracefulRestart != nil) == n.gracefulRestart)
        #expect(agreed.peerRouterID == Self.them)
    }

    @Test func ourOpenOffersTheCapabilities() {
        let caps = Self.passive.open.capabilities
        #expect(caps.contains(.multiprotocol(.l2vpnEVPN)))
        #expect(caps.contains(.routeRefresh))
        #expect(caps.contains(.fourOctetAS(65000)))
        #expect(Self.passive.open.holdTime == 90)
    }
}
