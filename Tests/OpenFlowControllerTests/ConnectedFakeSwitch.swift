import Foundation
import NIOConcurrencyHelpers
import TestSupport
import OpenFlow
import OpenFlowController

/// Runs `body` with a controller on a free loopback port and one fake switch
/// that is up; `received` sees every message the controller sends it, and
/// those `answers` returns true for are left to it to answer.
func withConnectedFakeSwitch(_ configuration: OpenFlowController.Configuration, datapathID: DatapathID, logs: LogCapture = LogCapture(),
                             received: @escaping @Sendable (OpenFlowEnvelope) -> Void,
                             answers: @escaping @Sendable (OpenFlowEnvelope, FakePeer) -> Bool = { _, _ in false },
                             _ body: (OpenFlowController, FakePeer) async throws -> Void) async throws {
    var configuration = configuration
    configuration.port = 0
    let controller = OpenFlowController(configuration: configuration, logger: logs.logger)
    guard let port = try await controller.start().port else { throw Failure("controller has no port") }
    let stop = NIOLockedValueBox(false)
    let peer = try FakePeer(port: port)
    Thread { peer.serveAsSwitch(datapathID: datapathID, received: received, answers: answers, stop: { stop.withLockedValue { $0 } }) }.start()
    _ = await nextEvent(controller.events) { if case .up = $0 { true } else { nil } }
    do { try await body(controller, peer) } catch {
        stop.withLockedValue { $0 = true }
        await controller.stop()
        throw error
    }
    stop.withLockedValue { $0 = true }
    await controller.stop()
}
