import Logging

extension HealthWatch {
    /// Looks at `report` every `interval` until cancelled and logs what
    /// `observe` returns: a failing check as a warning, a recovery at info.
    public static func run(every interval: Duration = .seconds(2), watch: HealthWatch = HealthWatch(), logger: Logger,
                           report: @Sendable () async -> HealthReport) async {
        var watch = watch
        while !Task.isCancelled {
            for line in watch.observe(await report().checks, at: .now) {
                switch line {
                case let .failing(check, elapsed, repeats):
                    logger.warning("unhealthy: \(check.name)", metadata: [
                        "detail": "\(check.detail)", "for-seconds": "\(elapsed.components.seconds)",
                        "reported": "\(repeats + 1)"])
                case let .recovered(name, after):
                    logger.info("healthy again: \(name)", metadata: ["after-seconds": "\(after.components.seconds)"])
                }
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
