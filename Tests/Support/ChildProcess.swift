import Foundation

extension Process {
    /// Stops a child by its pid: SIGTERM, then SIGKILL if it has not gone
    /// within `grace` seconds (FRR's bgpd can linger without zebra), then reaps it.
    public func stop(grace: Double = 2) {
        guard isRunning else { return }
        kill(processIdentifier, SIGTERM)
        let end = Date().addingTimeInterval(grace)
        while isRunning, Date() < end { usleep(50_000) }
        if isRunning { kill(processIdentifier, SIGKILL) }
        waitUntilExit()
    }
}
