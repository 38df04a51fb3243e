import BGP

/// Graceful restart (RFC 4724) as the speaker runs it, both roles.
///
/// Receiving: a peer that offered the capability and whose session ends
/// without a NOTIFICATION (a TCP reset) keeps its routes as stale for the
/// restart time it announced; on its return they stay until it re-announces
/// them or sends End-of-RIB, and are purged after `restartTime` at the
/// latest. Our hold timer expiring sends a NOTIFICATION, so the routes go
/// (RFC 8538's N bit, which would keep them, is not offered). A peer that
/// returns without the capability, or without the Forwarding State bit for
/// a family, loses that family's stale routes at once (RFC 4724 §4.2).
///
/// Restarting: we offer the capability with
/// - the Restart State (R) bit never set: a fresh process cannot tell a first
///   start from a restart, and R = 0 is the safe answer (the peer then sends
///   its table at once, which it does anyway);
/// - the Forwarding State (F) bit set for every family: a route reflector
///   forwards no traffic, so the forwarding its routes steer (VTEP to VTEP)
///   is untouched by its restart; F = 0 would make peers flush our routes the
///   moment the session returns, before we have re-learnt and re-sent them.
public struct GracefulRestartConfiguration: Hashable, Sendable {
    /// Seconds (12 bits on the wire): how long peers keep our routes, and at
    /// most how long we keep a returned peer's stale routes waiting for its End-of-RIB.
    public var restartTime: UInt16
    /// RFC 4724 §4.1 Selection_Deferral_Timer, in seconds; 0: off. After
    /// its own start the speaker sends no UPDATE (and no End-of-RIB) until
    /// every peer it must hear from has sent End-of-RIB, or this time has
    /// passed. Otherwise the first client back would get a table without
    /// the clients not back yet, and its End-of-RIB would make that client
    /// drop their routes, which it still held as stale, until they return.
    public var selectionDeferralTime: UInt16

    public init(restartTime: UInt16 = 120, selectionDeferralTime: UInt16 = 0) {
        self.restartTime = min(restartTime, 0xfff)
        self.selectionDeferralTime = selectionDeferralTime
    }

    /// The capability we send for these families.
    public func capability(families: [AddressFamily]) -> GracefulRestart {
        GracefulRestart(flags: 0, restartTime: restartTime, families: families.map { GracefulRestart.Family($0, flags: 0x80) })
    }
}
