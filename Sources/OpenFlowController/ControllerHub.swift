import NIOConcurrencyHelpers
import NIOCore

/// Where connections report to the controller. Lifecycle and state events go
/// through one ordered command stream consumed by the controller actor, so a
/// switch's `up` is always seen before its `down`; packet-ins bypass it into
/// their own bounded stream. Counters and the set of open channels are the
/// only state kept outside the actor, under this one lock, because event
/// loops update them on every message.
final class ControllerHub: Sendable {
    enum Command: Sendable {
        case up(SwitchHandle, SwitchInfo)
        case down(SwitchHandle, reason: String)
        case event(SwitchEvent)
    }

    private struct Shared {
        var statistics = ControllerStatistics()
        var channels: [Int: any Channel] = [:]
        var nextConnectionID = 0
    }

    private let shared = NIOLockedValueBox(Shared())
    let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation
    private let packetInSink: AsyncStream<PacketInEvent>.Continuation

    init(packetIns: AsyncStream<PacketInEvent>.Continuation) {
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self)
        packetInSink = packetIns
    }

    var statistics: ControllerStatistics { shared.withLockedValue { $0.statistics } }

    func count(_ update: (inout ControllerStatistics) -> Void) {
        shared.withLockedValue { update(&$0.statistics) }
    }

    func opened(_ channel: any Channel) -> Int {
        shared.withLockedValue { state in
            state.nextConnectionID &+= 1
            state.channels[state.nextConnectionID] = channel
            return state.nextConnectionID
        }
    }

    func closed(_ connectionID: Int) {
        _ = shared.withLockedValue { $0.channels.removeValue(forKey: connectionID) }
    }

    var openChannels: [any Channel] { shared.withLockedValue { Array($0.channels.values) } }

    func switchUp(_ handle: SwitchHandle, _ info: SwitchInfo) { commandSink.yield(.up(handle, info)) }
    func switchDown(_ handle: SwitchHandle, reason: String) { commandSink.yield(.down(handle, reason: reason)) }
    func emit(_ event: SwitchEvent) { commandSink.yield(.event(event)) }

    func packetIn(_ event: PacketInEvent) {
        if case .dropped = packetInSink.yield(event) { count { $0.packetInsDropped &+= 1 } }
    }

    func finish() {
        commandSink.finish()
        packetInSink.finish()
    }
}
