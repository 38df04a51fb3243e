import OpenFlow
import OpenFlowController
import Testing
import TestSupport

/// The controller's shadow of a switch, driven without I/O against a model
/// switch that applies the FLOW_MODs it is sent: whatever happens (changes
/// while batches are in flight, refusals, reconnects, flows deleted behind
/// its back), once the switch has taken every batch it holds exactly the
/// wanted flows, and the shadow never keeps more than one entry per key.
@Suite("FlowShadow: a sans-I/O shadow of one switch")
struct FlowShadowTests {
    static let ours = CookieSpace.swiftplane

    /// A switch's flow table as OVS keeps it, fed FLOW_MODs.
    struct ModelSwitch {
        var flows: [FlowKey: FlowEntry] = [:]

        mutating func apply(_ flowMod: FlowMod) {
            let entry = FlowEntry(tableID: flowMod.tableID, priority: flowMod.priority, match: flowMod.match, cookie: flowMod.cookie,
                                  instructions: flowMod.instructions, idleTimeout: flowMod.idleTimeout,
                                  hardTimeout: flowMod.hardTimeout, flags: flowMod.flags)
            let key = entry.key
            switch flowMod.commandValue {
            case .add:
                flows[key] = entry
            case .modifyStrict:
                guard var held = flows[key], held.cookie & flowMod.cookieMask == flowMod.cookie & flowMod.cookieMask else { return }
                held.instructions = flowMod.instructions
                flows[key] = held
            case .deleteStrict:
                guard let held = flows[key], held.cookie & flowMod.cookieMask == flowMod.cookie & flowMod.cookieMask else { return }
                flows[key] = nil
            default:
                Issue.record("the shadow sent \(String(describing: flowMod.commandValue))")
            }
        }

        var dump: [FlowEntry] { Array(flows.values) }
    }

    /// Flow `n` (a key) in one of a few versions: other instructions, or another cookie.
    static func flow(_ n: Int, version: Int) -> FlowEntry {
        FlowEntry(tableID: 10, priority: 100, match: Match([OXMField(.inPort, UInt64(n))]),
                  cookie: ours.cookie(UInt64(1 + version / 2)),
                  instructions: [.applyActions([.output(port: UInt32(version % 2 + 1), maxLength: 0)])])
    }

    static let keys = 40

    @Test("random changes, refusals, reconnects and drift: the switch ends exact", arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func converges(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var shadow = FlowShadow()
        var model = ModelSwitch()
        var wanted: [FlowKey: FlowEntry] = [:]
        // A foreign flow (another controller's cookie) that must stay.
        let foreign = FlowEntry(tableID: 0, priority: 1, match: Match(), cookie: 0x1, instructions: [])
        model.flows[foreign.key] = foreign
        var now = ContinuousClock.now
        _ = shadow.reconcile(dump: model.dump, wanted: FlowTable(), owner: Self.ours)
        // The application's whole table, as the shadow keeps only digests of it.
        var table: FlowTable { FlowTable(Array(wanted.values.compactMap { $0 })) }

        func want(_ entry: FlowEntry?, _ n: Int) {
            let key = Self.flow(n, version: 0).key
            var change = FlowChanges()
            if let entry { change.set(entry) } else { change.remove(key) }
            wanted[key] = entry
            shadow.apply(change)
        }

        /// Reads the switch like the controller: the application's table is
        /// read while changes go on arriving (they are recorded and applied
        /// again on top of the table read).
        func read() -> Int {
            shadow.startRecording()
            let snapshot = table
            for _ in 0..<Int.random(in: 0..<3, using: &random) {
                let n = Int.random(in: 0..<Self.keys, using: &random)
                want(Bool.random(using: &random) ? Self.flow(n, version: Int.random(in: 0..<4, using: &random)) : nil, n)
            }
            return shadow.reconcile(dump: model.dump, wanted: snapshot, owner: Self.ours)
        }

        for _ in 0..<400 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0...4:
                let n = Int.random(in: 0..<Self.keys, using: &random)
                want(Bool.random(using: &random) ? Self.flow(n, version: Int.random(in: 0..<4, using: &random)) : nil, n)
            case 5...7:
                // A batch goes out; maybe one member is refused.
                guard let batch = shadow.nextBatch(limit: Int.random(in: 1...8, using: &random), at: now) else { continue }
                let refused: Set<Int> = Int.random(in: 0..<4, using: &random) == 0 ? [Int.random(in: 0..<batch.members.count, using: &random)] : []
                for (index, flowMod) in batch.flowMods.enumerated() where !refused.contains(index) { model.apply(flowMod) }
                shadow.confirm(batch, rejected: refused, at: now)
            case 8:
                // Someone deletes one of our flows by hand; the next audit finds it.
                if let key = model.flows.keys.filter({ Self.ours.contains(model.flows[$0]!.cookie) }).randomElement(using: &random) {
                    model.flows[key] = nil
                    #expect(read() >= 1)
                }
            default:
                // The connection drops and comes back: the switch is read anew.
                shadow.disconnected()
                #expect(shadow.nextBatch(limit: 10, at: now) == nil)
                _ = read()
            }
            now += .milliseconds(50)
            #expect(shadow.pendingCount <= Self.keys)
        }
        // The storm is over: every batch taken, refused keys retried after their backoff.
        var rounds = 0
        while rounds < 1_000 {
            if let batch = shadow.nextBatch(limit: 8, at: now) {
                for flowMod in batch.flowMods { model.apply(flowMod) }
                shadow.confirm(batch, at: now)
            } else if let retry = shadow.nextRetry {
                now = max(now, retry)
            } else {
                break
            }
            rounds += 1
        }
        #expect(shadow.pendingCount == 0)
        let ourFlows = model.flows.filter { Self.ours.contains($0.value.cookie) }
        #expect(ourFlows == wanted.compactMapValues { $0 })
        #expect(model.flows[foreign.key] == foreign)
        // And an audit now finds nothing to repair.
        #expect(shadow.reconcile(dump: model.dump, wanted: table, owner: Self.ours) == 0)
    }

    struct Step: NamedRow {
        var name: String
        var installed: [FlowEntry]
        var wanted: [FlowEntry]
        var commands: [FlowMod.Command]
    }

    static let steps: [Step] = [
        Step(name: "nothing there: add", installed: [], wanted: [flow(1, version: 0)], commands: [.add]),
        Step(name: "other instructions, same cookie: modify-strict keeps the counters", installed: [flow(1, version: 0)],
             wanted: [flow(1, version: 1)], commands: [.modifyStrict]),
        Step(name: "another cookie: add replaces", installed: [flow(1, version: 0)], wanted: [flow(1, version: 2)], commands: [.add]),
        Step(name: "already right: nothing", installed: [flow(1, version: 3)], wanted: [flow(1, version: 3)], commands: []),
        Step(name: "ours, not wanted: delete-strict", installed: [flow(1, version: 0)], wanted: [], commands: [.deleteStrict]),
        Step(name: "adds before deletes", installed: [flow(1, version: 0)], wanted: [flow(2, version: 0)],
             commands: [.add, .deleteStrict]),
    ]

    @Test("the FLOW_MOD for each difference", arguments: steps)
    func commands(_ step: Step) {
        var shadow = FlowShadow()
        _ = shadow.reconcile(dump: step.installed, wanted: FlowTable(), owner: Self.ours)
        shadow.replaceWanted(with: FlowTable(step.wanted), previous: FlowTable())
        let batch = shadow.nextBatch(limit: 100, at: .now)
        #expect(batch?.flowMods.compactMap(\.commandValue) ?? [] == step.commands)
        // A modify or delete carries our cookie mask, never all ones.
        for flowMod in batch?.flowMods ?? [] where flowMod.commandValue != .add {
            #expect(flowMod.cookieMask == Self.ours.mask)
        }
    }

    @Test("a whole table without the previous one: the switch is read before anything is sent")
    func replacedWithoutPrevious() {
        var shadow = FlowShadow()
        let installed = [Self.flow(1, version: 0), Self.flow(2, version: 0)]
        _ = shadow.reconcile(dump: installed, wanted: FlowTable(installed), owner: Self.ours)
        #expect(shadow.pendingCount == 0)
        // Only digests are kept of flows 1 and 2: which to delete is known from the switch.
        shadow.replaceWanted(with: FlowTable([Self.flow(2, version: 1), Self.flow(3, version: 0)]))
        #expect(!shadow.isTrusted)
        #expect(shadow.nextBatch(limit: 10, at: .now) == nil)
        let drift = shadow.reconcile(dump: installed, wanted: FlowTable([Self.flow(2, version: 1), Self.flow(3, version: 0)]), owner: Self.ours)
        #expect(drift == 0)
        let batch = shadow.nextBatch(limit: 10, at: .now)
        let commands = Dictionary(uniqueKeysWithValues: (batch?.members ?? []).map { ($0.key, $0.command) })
        #expect(commands == [Self.flow(1, version: 0).key: .deleteStrict, Self.flow(2, version: 0).key: .modifyStrict,
                             Self.flow(3, version: 0).key: .add])
    }

    @Test("a key settled by digest: a change sends MODIFY_STRICT, a removal DELETE_STRICT with our cookie mask")
    func settledByDigest() {
        var shadow = FlowShadow()
        let installed = [Self.flow(1, version: 0), Self.flow(2, version: 0)]
        _ = shadow.reconcile(dump: installed, wanted: FlowTable(installed), owner: Self.ours)
        var change = FlowChanges()
        change.set(Self.flow(1, version: 1))
        change.remove(Self.flow(2, version: 0).key)
        shadow.apply(change)
        guard var batch = shadow.nextBatch(limit: 10, at: .now) else {
            Issue.record("nothing sent")
            return
        }
        #expect(batch.members.map(\.command) == [.modifyStrict, .deleteStrict])
        #expect(batch.flowMods.map(\.cookieMask) == [Self.ours.mask, Self.ours.mask])
        #expect(batch.flowMods[1].cookie == Self.flow(2, version: 0).cookie)
        // Sent keys are in flight: not sent twice before their barrier.
        #expect(shadow.nextBatch(limit: 10, at: .now) == nil)
        // A change back while in flight: after the barrier the key goes back.
        var back = FlowChanges()
        back.set(Self.flow(1, version: 0))
        shadow.apply(back)
        shadow.confirm(batch, at: .now)
        batch = shadow.nextBatch(limit: 10, at: .now) ?? batch
        #expect(batch.members.map(\.key) == [Self.flow(1, version: 0).key])
        #expect(batch.members.first?.sent == Self.flow(1, version: 0))
        shadow.confirm(batch, at: .now)
        #expect(shadow.pendingCount == 0)
    }
}
