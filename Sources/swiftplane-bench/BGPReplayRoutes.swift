import BGP
import NIOCore

/// The l2vpn/evpn routes a stream of UPDATEs leaves announced, by route key
/// (`NLRI.key`: a re-announcement with new labels replaces the route, a
/// withdrawal names it by its key), held against the routes a receiver
/// should end with. Sans-I/O: fed whole messages or decoded UPDATEs.
struct BGPReplayRoutes: BGPBenchTally {
    struct MalformedUpdate: Error, CustomStringConvertible {
        var error: BGPDecodingError
        var description: String { "malformed UPDATE from the route reflector: \(error)" }
    }

    static let options = SessionOptions(fourOctetAS: true, internalPeer: true)

    /// What it should end with, by key; empty while the stream is read to find that out.
    let expected: [NLRI: NLRI]
    /// What it holds, by key: the last announcement of each.
    private(set) var held: [NLRI: NLRI] = [:]
    /// Keys held exactly as expected (the same NLRI, labels included).
    private var matching = 0
    private(set) var announcedNLRI = 0
    private(set) var withdrawnNLRI = 0
    private(set) var updates = 0

    init(expected: [NLRI: NLRI] = [:]) {
        self.expected = expected
    }

    var heldCount: Int { held.count }
    var goal: Int { expected.count }
    /// Held but not expected, or expected with other labels.
    var unwantedHeld: Int { held.count - matching }
    var isExact: Bool { matching == expected.count && held.count == expected.count }
    var isEmpty: Bool { held.isEmpty }

    mutating func count(message: ByteBuffer) throws(MalformedUpdate) {
        guard message.getInteger(at: message.readerIndex + 18, as: UInt8.self) == BGPMessage.MessageType.update.rawValue else { return }
        switch Update.decode(body: message.getSlice(at: message.readerIndex + 19, length: message.readableBytes - 19) ?? ByteBuffer(),
                             options: Self.options) {
        case let .update(update), let .attributeDiscard(update, _):
            apply(announced: update.announced, withdrawn: update.withdrawn)
        case let .treatAsWithdraw(withdrawn, _):
            apply(announced: [], withdrawn: withdrawn)
        case let .sessionReset(error):
            throw MalformedUpdate(error: error)
        }
    }

    /// Withdrawals first, as RFC 4271 §9 reads an UPDATE; other families are left out.
    mutating func apply(announced: [NLRI], withdrawn: [NLRI]) {
        updates += 1
        for nlri in withdrawn where nlri.evpn != nil {
            withdrawnNLRI += 1
            set(nlri.key, to: nil)
        }
        for nlri in announced where nlri.evpn != nil {
            announcedNLRI += 1
            set(nlri.key, to: nlri)
        }
    }

    private mutating func set(_ key: NLRI, to route: NLRI?) {
        let wanted = expected[key]
        if let old = held[key], old == wanted { matching -= 1 }
        held[key] = route
        if let route, route == wanted { matching += 1 }
    }
}
