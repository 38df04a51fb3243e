import OpenFlow
import OpenFlowController

/// Our controller running the learning switch: what `--serve-only` runs and
/// what the benchmark measures, through OpenFlowController's public API.
enum LearningSwitchServer {
    static func run(host: String, port: Int, announce: (String) -> Void) async throws {
        var configuration = OpenFlowController.Configuration()
        configuration.host = host
        configuration.port = port
        // The load keeps at most switches x window packet-ins in flight; a
        // deep buffer means none is dropped between the loops and the app.
        configuration.packetInBuffer = 1 << 16
        let controller = OpenFlowController(configuration: configuration)
        let address = try await controller.start()
        announce("listening \(address.ipAddress ?? host) \(address.port ?? port)")
        Task { for await _ in controller.events {} } // switch events are not needed; keep the stream drained
        var app = LearningSwitch()
        var handles: [UInt64: SwitchHandle] = [:]
        for await event in controller.packetIns {
            let messages = app.answer(event)
            if messages.isEmpty { continue }
            if handles[event.datapathID] == nil { handles[event.datapathID] = try? await controller.handle(event.datapathID) }
            guard let handle = handles[event.datapathID] else { continue }
            for message in messages where await !handle.send(message) {
                // Disconnected or over its high-water mark: forget the handle, a reconnect gets a new one.
                handles[event.datapathID] = nil
                break
            }
        }
        await controller.stop()
    }
}
