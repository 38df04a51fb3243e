import NIOPosix
import OpenFlow
import OpenFlowController
import Synchronization

/// Our controller running the learning switch: what `--serve-only` runs and
/// what the benchmark measures, through OpenFlowController's public API.
enum LearningSwitchServer {
    /// Where the app meets packet-ins: inline on the switch's event loop
    /// (`Configuration.packetInHandler`) or from the `packetIns` stream.
    enum Path: String, CaseIterable, Sendable { case loop, stream }

    /// The app's tables, shared by the event loops of all switches. Its
    /// tables are per datapath anyway, so they are split over a few locks by
    /// datapath id: two event loops rarely wait for the same one.
    private final class SharedApp: Sendable {
        private final class Shard: Sendable {
            let app = Mutex(LearningSwitch())
        }

        private let shards = (0..<16).map { _ in Shard() }

        func answer(_ event: PacketInEvent) -> [OpenFlowMessage] {
            shards[Int(event.datapathID.rawValue % UInt64(shards.count))].app.withLock { $0.answer(event) }
        }
    }

    /// `threads`: event loops of the controller, 0 for NIO's shared group (one per core).
    static func run(listen: ControllerListenAddress, path: Path, threads: Int = 0, announce: (String) -> Void) async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.listen = listen
        if path == .loop {
            let shared = SharedApp()
            configuration.packetInHandler = { shared.answer($0) }
        }
        // The load keeps at most switches x window packet-ins in flight; a
        // deep buffer means none is dropped between the loops and the app.
        configuration.packetInBuffer = 1 << 16
        let controller = threads == 0
            ? OpenFlowController(configuration: configuration)
            : OpenFlowController(configuration: configuration, group: MultiThreadedEventLoopGroup(numberOfThreads: threads))
        let address = try await controller.start()
        announce("listening \(address)")
        // Handles follow switch events, so the packet-in loop finds one under
        // a lock instead of asking the actor for every packet.
        let handles = Mutex<[DatapathID: SwitchHandle]>([:])
        if path == .loop {
            // Nothing to do here but keep the controller alive.
            for await _ in controller.events {}
            await controller.stop()
            return
        }
        let watcher = Task {
            for await event in controller.events {
                switch event {
                case let .up(info):
                    let handle = try? await controller.handle(info.datapathID)
                    handles.withLock { $0[info.datapathID] = handle }
                case let .down(datapathID, _):
                    handles.withLock { $0[datapathID] = nil }
                default:
                    break
                }
            }
        }
        var app = LearningSwitch()
        for await event in controller.packetIns {
            let messages = app.answer(event)
            if messages.isEmpty { continue }
            var handle = handles.withLock { $0[event.datapathID] }
            if handle == nil, let fetched = try? await controller.handle(event.datapathID) {
                handle = fetched
                handles.withLock { $0[event.datapathID] = fetched }
            }
            // post: no wait per packet; a full or gone switch drops (and counts) them.
            handle?.post(messages)
        }
        watcher.cancel()
        await controller.stop()
    }
}
