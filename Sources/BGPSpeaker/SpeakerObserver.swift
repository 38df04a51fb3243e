import BGP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time as monitoring formats stamp it (BMP per-peer header, MRT
/// header): seconds and microseconds since the epoch.
public struct WallTime: Hashable, Sendable, Comparable {
    public var seconds: UInt32
    public var microseconds: UInt32
    public init(seconds: UInt32, microseconds: UInt32) { self.seconds = seconds; self.microseconds = microseconds }

    public static func now() -> WallTime {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return WallTime(seconds: UInt32(truncatingIfNeeded: t.tv_sec), microseconds: UInt32(truncatingIfNeeded: t.tv_nsec / 1000))
    }

    public static func < (l: WallTime, r: WallTime) -> Bool { (l.seconds, l.microseconds) < (r.seconds, r.microseconds) }
}

/// A session as monitoring names it: both ends, their AS numbers and the
/// peer's identifier.
public struct MonitoredPeer: Hashable, Sendable {
    public var id: PeerID
    public var address: IPAddress
    public var port: UInt16
    public var peerAS: UInt32
    public var routerID: IPv4Address
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var localAS: UInt32
    /// Its UPDATEs carry 2-octet AS numbers (RFC 6793 not agreed).
    public var twoOctetAS: Bool
}

/// Why a session left Established, as BMP's Peer Down reasons tell it.
public enum PeerDownCause: Hashable, Sendable {
    /// We closed it with this NOTIFICATION (the whole message).
    case localNotification([UInt8])
    /// We closed it without one.
    case localNoNotification
    /// The peer sent this NOTIFICATION (the whole message).
    case remoteNotification([UInt8])
    /// The connection closed without a NOTIFICATION.
    case connectionClosed
}

/// A destination of the Loc-RIB and its best path now; nil: it has none.
public struct LocRIBChange: Hashable, Sendable {
    public var nlri: NLRI
    public var best: RouteAttributes?
    public init(nlri: NLRI, best: RouteAttributes?) { self.nlri = nlri; self.best = best }
}

/// What a speaker reports to its monitors (BMP, MRT), in the order it happens.
public enum SpeakerEvent: Hashable, Sendable {
    /// Established: with the OPEN messages each side sent (whole messages).
    case peerUp(MonitoredPeer, sentOpen: [UInt8], receivedOpen: [UInt8])
    case peerDown(MonitoredPeer, PeerDownCause)
    /// An UPDATE as received (whole message), before the RIB applies it.
    case updateReceived(MonitoredPeer, message: [UInt8])
    /// UPDATEs as sent to the peer (whole messages): its Adj-RIB-Out changing.
    case updatesSent(MonitoredPeer, messages: [[UInt8]])
    /// Loc-RIB destinations whose best path changed.
    case locRIBChanged([LocRIBChange])
}

/// Told every `SpeakerEvent` synchronously on the speaker's actor: it must
/// return at once (copy and queue; never wait).
public protocol SpeakerObserver: Sendable {
    func speaker(_ event: SpeakerEvent, at time: WallTime)
}

/// Everything a monitor needs after it (re)connects, taken at one instant:
/// Established sessions with their OPENs, their Adj-RIBs-In, the Loc-RIB.
public struct MonitoringSnapshot: Sendable {
    public var localAS: UInt32
    public var routerID: IPv4Address
    public var sessions: [(peer: MonitoredPeer, sentOpen: [UInt8], receivedOpen: [UInt8])]
    /// Routes as received, per Established peer.
    public var adjRIBIn: [PeerID: [(nlri: NLRI, attributes: RouteAttributes)]]
    /// Best paths, ours included.
    public var locRIB: [(nlri: NLRI, attributes: RouteAttributes)]
}

/// Route counts for monitors' statistics (BMP Statistics Reports).
public struct MonitoringStatistics: Sendable {
    /// Each Established peer and the routes in its Adj-RIB-In.
    public var peers: [(peer: MonitoredPeer, routes: Int)]
    /// Destinations with a best path.
    public var locRIBRoutes: Int
}

extension RouteAttributes {
    /// UPDATEs announcing `nlri` (one family) with these attributes, split to
    /// the maximum message length; whole messages for monitors.
    public static func updates(announcing nlri: [NLRI], with attributes: RouteAttributes, options: SessionOptions) -> [Update] {
        guard let family = nlri.first?.family else { return [] }
        return UpdatePacker.pack(nlri, options: options) { chunk in
            var p = attributes.attributes
            p.attributes.append(PathAttribute(.mpReachNLRI(MPReachNLRI(family: family, nextHop: attributes.nextHop, nlri: chunk))))
            return Update(attributes: p)
        }
    }

    /// UPDATEs withdrawing `nlri` (one family).
    public static func updates(withdrawing nlri: [NLRI], options: SessionOptions) -> [Update] {
        guard let family = nlri.first?.family else { return [] }
        return UpdatePacker.pack(nlri, options: options) { Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: family, nlri: $0)))])) }
    }
}
