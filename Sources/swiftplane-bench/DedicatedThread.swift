import Foundation

/// Runs `body` on a thread of its own and returns its result: for the bare
/// loops, which block in epoll_wait and must not hold one of Swift's
/// cooperative threads (two on this machine) while they do.
func onDedicatedThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
    }
}
