import Foundation

/// Polls `condition` every `interval` until it holds or `seconds` pass; the
/// last answer decides. For state that real daemons and sessions reach in
/// their own time: a test waits for an outcome, never for a fixed delay.
/// Conditions that run a command or ask a daemon poll less often.
public func eventually(
    _ seconds: Double, every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
