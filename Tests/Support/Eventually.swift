import Foundation

/// Polls `condition` every 50 ms until it holds or `seconds` pass; the last
/// answer decides. For state that real daemons and sessions reach in their
/// own time: a test waits for an outcome, never for a fixed delay.
public func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
