import NIOConcurrencyHelpers
import NIOCore
import OpenFlow
import OpenFlowController

/// A fake switch's flow table whose barrier replies wait until the test lets
/// them go, so the controller's batches stay unconfirmed as long as the test
/// wants. Plain FLOW_MODs are applied as they arrive (a switch works in
/// order), a bundle's at its commit, all or none; bundle OPEN and COMMIT are
/// answered at once. The ERRORs of a refused FLOW_MOD (and of the commit of
/// its bundle) are written just before its batch's barrier reply. Plugs into
/// `FakePeer.serveAsSwitch` as its `answers`.
final class HeldBarrierSwitch: Sendable {
    /// What crossed the connection, in order.
    enum Seen: Sendable, Hashable {
        case flowMod(FlowKey, xid: UInt32)
        case bundleOpen
        /// A FLOW_MOD added to a bundle.
        case bundleAdd(FlowKey, xid: UInt32)
        case bundleCommit
        case barrier(xid: UInt32)
        /// An ERROR written for the message with this xid.
        case error(xid: UInt32)
        case barrierReply(xid: UInt32)

        var letter: Character {
            switch self {
            case .flowMod: "F"
            case .bundleOpen: "O"
            case .bundleAdd: "A"
            case .bundleCommit: "C"
            case .barrier: "B"
            case .error: "E"
            case .barrierReply: "R"
            }
        }

        /// The key of a FLOW_MOD, plain or in a bundle.
        var flowModKey: FlowKey? {
            switch self {
            case let .flowMod(key, _), let .bundleAdd(key, _): key
            default: nil
            }
        }
    }

    private struct State {
        var seen: [Seen] = []
        var table: [FlowKey: FlowEntry] = [:]
        var held: [UInt32] = []
        var holding = true
        /// ERRORs (xid, hex body) for the messages since the last barrier request.
        var errors: [(xid: UInt32, body: String)] = []
        var errorsByBarrier: [UInt32: [(xid: UInt32, body: String)]] = [:]
        /// Open bundles' FLOW_MODs, and the bundles one of whose FLOW_MODs was refused.
        var bundles: [UInt32: [FlowMod]] = [:]
        var failedBundles: Set<UInt32> = []
        /// The key of the first FLOW_MOD seen, and how many more times it is refused.
        var refusedKey: FlowKey?
        var refusals: Int
    }

    private let state: NIOLockedValueBox<State>

    /// The first FLOW_MOD's key (plain or bundled) is refused `refusing`
    /// times (OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL, by the message's xid).
    init(refusing: Int = 0) {
        state = NIOLockedValueBox(State(refusals: refusing))
    }

    var seen: [Seen] { state.withLockedValue { $0.seen } }
    /// One letter per thing seen: F FLOW_MOD, O bundle open, A bundle add,
    /// C bundle commit, B barrier, E error written, R barrier reply.
    var shape: String { String(seen.map(\.letter)) }
    var barriers: Int { seen.filter { if case .barrier = $0 { true } else { false } }.count }
    var table: Set<FlowEntry> { Set(state.withLockedValue { $0.table.values }) }
    var refusedKey: FlowKey? { state.withLockedValue { $0.refusedKey } }

    static let flowModFailed = "0005 0001"
    /// OFPET_BUNDLE_FAILED/OFPBFC_MSG_FAILED: the commit of a bundle one of whose messages was refused.
    static let bundleFailed = "0011 0010"

    func answers(_ envelope: OpenFlowEnvelope, on peer: FakePeer) -> Bool {
        let xid = envelope.xid
        switch envelope.message {
        case let .flowMod(flowMod):
            state.withLockedValue { s in
                let key = Self.key(flowMod)
                s.seen.append(.flowMod(key, xid: xid))
                if Self.refuses(key, &s) { s.errors.append((xid, Self.flowModFailed)) } else { Self.apply(flowMod, &s) }
            }
            return true
        case let .experimenter(message):
            if let control = try? BundleControl(message) {
                state.withLockedValue { s in
                    switch control.type {
                    case .openRequest:
                        s.seen.append(.bundleOpen)
                        s.bundles[control.bundleID] = []
                        peer.write(Self.bundleReply(xid: xid, bundleID: control.bundleID, type: .openReply))
                    case .commitRequest:
                        s.seen.append(.bundleCommit)
                        let flowMods = s.bundles.removeValue(forKey: control.bundleID) ?? []
                        if s.failedBundles.remove(control.bundleID) == nil {
                            for flowMod in flowMods { Self.apply(flowMod, &s) }
                            peer.write(Self.bundleReply(xid: xid, bundleID: control.bundleID, type: .commitReply))
                        } else {
                            s.errors.append((xid, Self.bundleFailed))
                        }
                    default:
                        break
                    }
                }
                return true
            }
            if case let (addXID, add)?? = try? BundleAdd.decode(message), case let .flowMod(flowMod) = add.message {
                state.withLockedValue { s in
                    let key = Self.key(flowMod)
                    s.seen.append(.bundleAdd(key, xid: addXID))
                    if Self.refuses(key, &s) {
                        s.errors.append((addXID, Self.flowModFailed))
                        s.failedBundles.insert(add.bundleID)
                    } else {
                        s.bundles[add.bundleID, default: []].append(flowMod)
                    }
                }
                return true
            }
            return false
        case .barrierRequest:
            state.withLockedValue { s in
                s.seen.append(.barrier(xid: xid))
                s.errorsByBarrier[xid] = s.errors
                s.errors = []
                if s.holding { s.held.append(xid) } else { Self.reply(xid, &s, on: peer) }
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

    private static func key(_ flowMod: FlowMod) -> FlowKey {
        FlowKey(tableID: flowMod.tableID, priority: flowMod.priority, match: flowMod.match)
    }

    private static func refuses(_ key: FlowKey, _ s: inout State) -> Bool {
        if s.refusedKey == nil, s.refusals > 0 { s.refusedKey = key }
        guard key == s.refusedKey, s.refusals > 0 else { return false }
        s.refusals -= 1
        return true
    }

    private static func apply(_ flowMod: FlowMod, _ s: inout State) {
        let key = key(flowMod)
        switch flowMod.commandValue {
        case .add?, .modifyStrict?:
            s.table[key] = FlowEntry(tableID: flowMod.tableID, priority: flowMod.priority, match: flowMod.match,
                                     cookie: flowMod.cookie, instructions: flowMod.instructions,
                                     idleTimeout: flowMod.idleTimeout, hardTimeout: flowMod.hardTimeout, flags: flowMod.flags)
        case .deleteStrict?: s.table[key] = nil
        default: break
        }
    }

    /// An ONF bundle control reply (experimenter 0x4f4e4600, ONF_ET_BUNDLE_CONTROL 2300), written by hand.
    private static func bundleReply(xid: UInt32, bundleID: UInt32, type: BundleControlType) -> ByteBuffer {
        Wire.message(type: 4, xid: xid, body: "4f4e4600 000008fc" + Wire.hex(UInt64(bundleID), bytes: 4)
            + Wire.hex(UInt64(type.rawValue), bytes: 2) + "0003")
    }

    private static func reply(_ barrier: UInt32, _ s: inout State, on peer: FakePeer) {
        for (xid, body) in s.errorsByBarrier.removeValue(forKey: barrier) ?? [] {
            peer.write(Wire.message(type: 1, xid: xid, body: body))
            s.seen.append(.error(xid: xid))
        }
        peer.write(Wire.message(type: 21, xid: barrier))
        s.seen.append(.barrierReply(xid: barrier))
    }
}
