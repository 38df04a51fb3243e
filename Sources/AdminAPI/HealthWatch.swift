/// Turns health checks, looked at now and then, into log lines: a check
/// that keeps failing is reported after `grace`, then again at growing
/// intervals (doubling up to `maximumInterval`), so a reflector or OVSDB
/// that stays away is never silent yet never floods the log; a recovery is
/// reported once. Sans-I/O: fed the checks and the time, returns the lines.
public struct HealthWatch: Sendable {
    public enum Line: Hashable, Sendable {
        /// `check` fails, for `elapsed` now; `repeats` earlier lines said so.
        case failing(HealthCheck, elapsed: Duration, repeats: Int)
        /// The check named `name` is fine again after failing for `after`.
        case recovered(name: String, after: Duration)
    }

    public var grace: Duration
    public var firstInterval: Duration
    public var maximumInterval: Duration

    private struct Open: Sendable {
        var since: ContinuousClock.Instant
        var next: ContinuousClock.Instant
        var interval: Duration
        var reported: Int
    }
    private var open: [String: Open] = [:]

    public init(grace: Duration = .seconds(5), firstInterval: Duration = .seconds(30), maximumInterval: Duration = .seconds(300)) {
        self.grace = grace
        self.firstInterval = firstInterval
        self.maximumInterval = maximumInterval
    }

    public mutating func observe(_ checks: [HealthCheck], at now: ContinuousClock.Instant) -> [Line] {
        var lines: [Line] = []
        var failing: Set<String> = []
        for check in checks where !check.ok {
            failing.insert(check.name)
            var state = open[check.name] ?? Open(since: now, next: now + grace, interval: firstInterval, reported: 0)
            if now >= state.next {
                lines.append(.failing(check, elapsed: now - state.since, repeats: state.reported))
                state.reported += 1
                state.next = now + state.interval
                state.interval = min(state.interval * 2, maximumInterval)
            }
            open[check.name] = state
        }
        for (name, state) in open.sorted(by: { $0.key < $1.key }) where !failing.contains(name) {
            open[name] = nil
            // A blip shorter than the grace was never reported: its end is not news either.
            if state.reported > 0 { lines.append(.recovered(name: name, after: now - state.since)) }
        }
        return lines
    }
}
