import BGP
import BGPSpeaker
import NIOCore
import Testing

/// The configured keepalive time (YAML `timers.keepalive`), capped at a third of the negotiated hold time.
struct KeepaliveTimerTests {
    /// (configured keepalive, negotiated hold, seconds after Established, KEEPALIVE due)
    static let rows: [(UInt16?, UInt16, Int64, Bool)] = [
        (nil, 90, 29, false), (nil, 90, 30, true),
        (5, 90, 4, false), (5, 90, 5, true),
        (60, 90, 30, true),  // more than a third of the hold: a third wins
        (5, 9, 3, true),     // the peer's smaller hold time caps it too
    ]

    @Test(arguments: rows)
    func keepaliveDue(_ keepalive: UInt16?, _ hold: UInt16, _ after: Int64, _ due: Bool) {
        var c = SessionConfiguration(localAS: 65000, routerID: IPv4Address(10, 0, 0, 1), peerAS: 65000, holdTime: 90)
        c.keepaliveTime = keepalive
        var session = Session(c)
        let t0 = NIODeadline.now()
        _ = session.handle(.start, now: t0)
        _ = session.handle(.connectionUp, now: t0)
        _ = session.handle(.received(.open(Open(asn: 65000, holdTime: hold, bgpIdentifier: IPv4Address(10, 0, 0, 2),
                                                capabilities: [.multiprotocol(.l2vpnEVPN)]))), now: t0)
        _ = session.handle(.received(.keepalive), now: t0)
        #expect(session.state == .established)
        let sent = session.handle(.timePassed, now: t0 + .seconds(after)).contains(.send(.keepalive))
        #expect(sent == due)
    }
}
