import NIOConcurrencyHelpers
import NIOCore
import OpenFlow
import OpenFlowController

/// A fake switch's flow table whose barrier replies wait until the test lets
/// them go, so the controller's batches stay unconfirmed as long as the test
/// wants. FLOW_MODs are applied as they arrive (a switch works in order); the
/// ERROR of a refused one is written just before its batch's barrier reply.
/// Plugs into `FakePeer.serveAsSwitch` as its `answers`.
final class HeldBarrierSwitch: Sendable {
    /// What crossed the connection, in order.
    enum Seen: Sendable, Hashable {
        case flowMod(FlowKey, xid: UInt32)
        case barrier(xid: UInt32)
        /// An ERROR written for the FLOW_MOD with this xid.
        case error(xid: UInt32)
        case barrierReply(xid: UInt32)

        var letter: Character {
            switch self {
            case .flowMod: "F"
            case .barrier: "B"
            case .error: "E"
            case .barrierReply: "R"
            }
        }
    }

    private struct State {
        var seen: [Seen] = []
        var table: [FlowKey: FlowEntry] = [:]
        var held: [UInt32] = []
        var holding = true
        /// ERRORs for the FLOW_MODs since the last barrier request.
        var errors: [UInt32] = []
        var errorsByBarrier: [UInt32: [UInt32]] = [:]
        var refuseNext: Int
        var refused: [FlowKey] = []
    }

    private let state: NIOLockedValueBox<State>

    /// `refusing`: how many of the first FLOW_MODs are refused
    /// (OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL, by their xid).
    init(refusing: Int = 0) {
        state = NIOLockedValueBox(State(refuseNext: refusing))
    }

    var seen: [Seen] { state.withLockedValue { $0.seen } }
    /// One letter per thing seen: F FLOW_MOD, B barrier, E error written, R barrier reply.
    var shape: String { String(seen.map(\.letter)) }
    var barriers: Int { seen.filter { if case .barrier = $0 { true } else { false } }.count }
    var table: Set<FlowEntry> { Set(state.withLockedValue { $0.table.values }) }
    var refused: [FlowKey] { state.withLockedValue { $0.refused } }

    func answers(_ envelope: OpenFlowEnvelope, on peer: FakePeer) -> Bool {
        switch envelope.message {
        case let .flowMod(flowMod):
            let key = FlowKey(tableID: flowMod.tableID, priority: flowMod.priority, match: flowMod.match)
            state.withLockedValue { s in
                s.seen.append(.flowMod(key, xid: envelope.xid))
                if s.refuseNext > 0 {
                    s.refuseNext -= 1
                    s.refused.append(key)
                    s.errors.append(envelope.xid)
                    return
                }
                switch flowMod.commandValue {
                case .add?, .modifyStrict?:
                    s.table[key] = FlowEntry(tableID: flowMod.tableID, priority: flowMod.priority, match: flowMod.match,
                                             cookie: flowMod.cookie, instructions: flowMod.instructions,
                                             idleTimeout: flowMod.idleTimeout, hardTimeout: flowMod.hardTimeout, flags: flowMod.flags)
                case .deleteStrict?: s.table[key] = nil
                default: break
                }
            }
            return true
        case .barrierRequest:
            state.withLockedValue { s in
                s.seen.append(.barrier(xid: envelope.xid))
                s.errorsByBarrier[envelope.xid] = s.errors
                s.errors = []
                if s.holding { s.held.append(envelope.xid) } else { Self.reply(envelope.xid, &s, on: peer) }
            }
            return true
        default:
            return false
        }
    }

    /// Answers the oldest barrier held back (its ERRORs first); false when none is.
    @discardableResult
    func release(on peer: FakePeer) -> Bool {
        state.withLockedValue { s in
            guard !s.held.isEmpty else { return false }
            Self.reply(s.held.removeFirst(), &s, on: peer)
            return true
        }
    }

    /// Answers every barrier held back, and later ones at once.
    func releaseAll(on peer: FakePeer) {
        state.withLockedValue { s in
            s.holding = false
            for xid in s.held { Self.reply(xid, &s, on: peer) }
            s.held = []
        }
    }

    private static func reply(_ barrier: UInt32, _ s: inout State, on peer: FakePeer) {
        for xid in s.errorsByBarrier.removeValue(forKey: barrier) ?? [] {
            peer.write(Wire.message(type: 1, xid: xid, body: "0005 0001"))
            s.seen.append(.error(xid: xid))
        }
        peer.write(Wire.message(type: 21, xid: barrier))
        s.seen.append(.barrierReply(xid: barrier))
    }
}
