import BGP
import NIOCore

/// What happens to a session (RFC 4271 §8.1, grouped): operator commands,
/// the transport, decoded messages, and the passing of time.
public enum SessionEvent: Hashable, Sendable {
    /// ManualStart / ManualStart_with_PassiveTcpEstablishment, by the configuration.
    case start
    /// ManualStart_with_PassiveTcpEstablishment (event 4) whatever the
    /// configuration: to take the peer's connection after a collision.
    case startPassive
    /// ManualStop: CEASE with this subcode when a connection is up.
    case stop(CeaseSubcode)
    /// The TCP connection is up (Tcp_CR_Acked / TcpConnectionConfirmed).
    case connectionUp
    /// TcpConnectionFails, or the peer closed.
    case connectionDown
    /// A message from the peer: UPDATEs come already classified by RFC 7606.
    case received(Inbound)
    /// The stream could not be decoded: the error carries its NOTIFICATION.
    case decodingFailed(BGPDecodingError)
    /// The owner closes the session with this NOTIFICATION (max-prefix and the like).
    case close(Notification)
    /// The clock moved: timers whose deadline passed fire.
    case timePassed

    public enum Inbound: Hashable, Sendable {
        case open(Open)
        case update(UpdateDecodingResult)
        case notification(Notification)
        case keepalive
        case routeRefresh(RouteRefresh)
    }
}

/// What the session asks its owner to do, in order.
public enum SessionAction: Hashable, Sendable {
    /// Open a TCP connection to the peer.
    case connect
    case send(BGPMessage)
    case closeConnection
    /// Entered Established: the RIB may take the peer in.
    case established(NegotiatedSession)
    /// Left Established: the peer's routes must go.
    case down(reason: String)
    /// Left Established in a way RFC 4724 §4.2 lets the peer restart from:
    /// keep its routes of `families` as stale for `restartTime` seconds.
    case restarting(reason: String, restartTime: UInt16, families: Set<AddressFamily>)
    /// Routes to apply to the peer's Adj-RIB-In.
    case update(Update)
    /// RFC 7606 treat-as-withdraw: these routes are withdrawn.
    case withdraw([NLRI], reason: String)
    /// The peer asks for our routes again (RFC 2918).
    case routeRefresh(RouteRefresh)
}

/// The RFC 4271 §8 finite state machine of one session, sans I/O: fed with
/// events and the current time, it returns actions. Timers are deadlines it
/// keeps; `nextDeadline` tells the owner when to come back with `.timePassed`.
public struct Session: Sendable {
    public let configuration: SessionConfiguration
    public private(set) var state: SessionState = .idle
    public private(set) var negotiated: NegotiatedSession?
    /// Counted per RFC 4271 §8 ConnectRetryCounter.
    public private(set) var connectRetryCounter = 0
    /// The last NOTIFICATION sent or received, for the operator.
    public private(set) var lastError: Notification?
    /// Started and not stopped: Idle then means waiting to restart after a failure.
    public private(set) var started = false
    private var connectRetryDeadline: NIODeadline?
    private var holdDeadline: NIODeadline?
    private var keepaliveDeadline: NIODeadline?

    public init(_ configuration: SessionConfiguration) { self.configuration = configuration }

    /// The earliest pending timer.
    public var nextDeadline: NIODeadline? {
        [connectRetryDeadline, holdDeadline, keepaliveDeadline].compactMap { $0 }.min()
    }

    public mutating func handle(_ event: SessionEvent, now: NIODeadline) -> [SessionAction] {
        switch event {
        case .start: return start(now, passive: configuration.passive)
        case .startPassive: return start(now, passive: true)
        case .stop(let subcode):
            started = false
            let hasConnection = state == .openSent || state == .openConfirm || state == .established
            return fail(hasConnection ? Notification(.cease(subcode)) : nil, reason: "stopped", now: now, restart: false)
        case .connectionUp: return connectionUp(now)
        case .connectionDown:
            switch state {
            case .idle: return []
            case .connect, .active:
                // RFC 4271 §8.2.2: a failed attempt waits for the connect-retry timer.
                state = .active
                connectRetryDeadline = now + configuration.connectRetryTime
                return []
            default: return fail(nil, reason: "connection closed", now: now, peerMayRestart: true)
            }
        case .received(let message): return received(message, now)
        case .decodingFailed(let e):
            guard state != .idle else { return [] }
            return fail(e.notification, reason: e.description, now: now)
        case .close(let n):
            guard state != .idle else { return [] }
            return fail(n, reason: "\(n.error)", now: now)
        case .timePassed: return timers(now)
        }
    }

    private mutating func start(_ now: NIODeadline, passive: Bool) -> [SessionAction] {
        guard state == .idle else { return [] }
        started = true
        connectRetryCounter = 0
        connectRetryDeadline = now + configuration.connectRetryTime
        if passive {
            state = .active
            return []
        }
        state = .connect
        return [.connect]
    }

    private mutating func connectionUp(_ now: NIODeadline) -> [SessionAction] {
        switch state {
        case .connect, .active:
            connectRetryDeadline = nil
            holdDeadline = now + configuration.openHoldTime
            state = .openSent
            return [.send(.open(configuration.open))]
        default:
            // Idle refuses connections; later states already have one.
            return [.closeConnection]
        }
    }

    private mutating func received(_ message: SessionEvent.Inbound, _ now: NIODeadline) -> [SessionAction] {
        if case .notification(let n) = message {
            lastError = n
            // RFC 4271 §6.8: the peer closed this connection to keep the other
            // one of a collision, which may be our dial still in flight or its
            // own about to arrive. Only this connection ends: the session waits
            // in Active for the kept one, instead of going Idle until the
            // connect-retry timer (where the other connection would be refused).
            if n.error == .cease(.connectionCollisionResolution), state == .openSent || state == .openConfirm {
                state = .active
                negotiated = nil
                holdDeadline = nil
                keepaliveDeadline = nil
                connectRetryDeadline = now + configuration.connectRetryTime
                return [.closeConnection]
            }
            return fail(nil, reason: "NOTIFICATION received: \(n.error)", now: now)
        }
        switch (state, message) {
        case (.openSent, .open(let open)):
            do {
                let agreed = try NegotiatedSession.negotiate(local: configuration, remote: open)
                negotiated = agreed
                state = .openConfirm
                armHoldAndKeepalive(agreed, now)
                return [.send(.keepalive)]
            } catch {
                return fail(error.notification, reason: "OPEN refused: \(error.notification.error)", now: now)
            }
        case (.openConfirm, .keepalive):
            guard let agreed = negotiated else { return fail(Notification(.finiteStateMachine(.unspecified)), reason: "no agreement", now: now) }
            state = .established
            restartHold(now)
            return [.established(agreed)]
        case (.established, .keepalive):
            restartHold(now)
            return []
        case (.established, .update(let result)):
            restartHold(now)
            switch result {
            case .update(let u), .attributeDiscard(let u, _): return [.update(u)]
            case .treatAsWithdraw(let nlri, let errors):
                return [.withdraw(nlri, reason: errors.map(\.description).joined(separator: "; "))]
            case .sessionReset(let e): return fail(e.notification, reason: e.description, now: now)
            }
        case (.established, .routeRefresh(let rr)):
            return [.routeRefresh(rr)]
        case (.openSent, _):
            return fail(Notification(.finiteStateMachine(.unexpectedMessageInOpenSent)), reason: "unexpected message in OpenSent", now: now)
        case (.openConfirm, _):
            return fail(Notification(.finiteStateMachine(.unexpectedMessageInOpenConfirm)), reason: "unexpected message in OpenConfirm", now: now)
        case (.established, _):
            return fail(Notification(.finiteStateMachine(.unexpectedMessageInEstablished)), reason: "unexpected message in Established", now: now)
        case (.idle, _), (.connect, _), (.active, _):
            // No BGP connection yet: nothing to answer on.
            return fail(nil, reason: "message before the connection was up", now: now)
        }
    }

    private mutating func timers(_ now: NIODeadline) -> [SessionAction] {
        var out: [SessionAction] = []
        if let d = holdDeadline, d <= now {
            // We send a NOTIFICATION: under RFC 4724 alone the peer's routes go.
            // Only RFC 8538's N bit (which we do not offer) would keep them.
            return fail(Notification(.holdTimerExpired), reason: "hold timer expired", now: now)
        }
        if let d = keepaliveDeadline, d <= now, let agreed = negotiated {
            out.append(.send(.keepalive))
            keepaliveDeadline = now + .seconds(Int64(keepaliveInterval(agreed)))
        }
        if let d = connectRetryDeadline, d <= now {
            connectRetryDeadline = now + configuration.connectRetryTime
            switch state {
            case .idle where started:
                // Automatic restart after a failure (RFC 4271 §8.1.1 AutomaticStart).
                state = configuration.passive ? .active : .connect
                if !configuration.passive { out.append(.connect) }
            case .connect:
                // The attempt took too long: drop it and try again.
                out += [.closeConnection, .connect]
            case .active where !configuration.passive:
                state = .connect
                out.append(.connect)
            default: break
            }
        }
        return out
    }

    private mutating func armHoldAndKeepalive(_ agreed: NegotiatedSession, _ now: NIODeadline) {
        if agreed.holdTime == 0 {
            holdDeadline = nil
            keepaliveDeadline = nil
        } else {
            holdDeadline = now + .seconds(Int64(agreed.holdTime))
            keepaliveDeadline = now + .seconds(Int64(keepaliveInterval(agreed)))
        }
    }

    /// The configured keepalive time when shorter than a third of the hold time (RFC 4271 §10).
    private func keepaliveInterval(_ agreed: NegotiatedSession) -> UInt16 {
        max(1, min(configuration.keepaliveTime ?? agreed.keepaliveInterval, agreed.keepaliveInterval))
    }

    private mutating func restartHold(_ now: NIODeadline) {
        if let agreed = negotiated, agreed.holdTime != 0 { holdDeadline = now + .seconds(Int64(agreed.holdTime)) }
    }

    /// Every error path of RFC 4271 §8.2.2: optional NOTIFICATION, close,
    /// Idle, timers stopped; a started session retries after connect-retry.
    /// `peerMayRestart`: the session ended without a NOTIFICATION from either
    /// side (a TCP reset), so graceful restart applies when both offered it.
    private mutating func fail(_ notification: Notification?, reason: String, now: NIODeadline, restart: Bool = true,
                               peerMayRestart: Bool = false) -> [SessionAction] {
        var out: [SessionAction] = []
        if let n = notification {
            lastError = n
            out.append(.send(.notification(n)))
        }
        if state != .idle { out.append(.closeConnection) }
        if state == .established {
            if peerMayRestart, configuration.gracefulRestart != nil, let gr = negotiated?.peerGracefulRestart,
               case let families = Set(gr.families.map(\.family)).intersection(negotiated?.families ?? []), !families.isEmpty {
                out.append(.restarting(reason: reason, restartTime: gr.restartTime, families: families))
            } else {
                out.append(.down(reason: reason))
            }
        }
        state = .idle
        negotiated = nil
        holdDeadline = nil
        keepaliveDeadline = nil
        connectRetryCounter &+= 1
        connectRetryDeadline = restart && started ? now + configuration.connectRetryTime : nil
        return out
    }
}
