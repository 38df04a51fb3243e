#if canImport(Glibc)
import Foundation
import Glibc
import Synchronization

/// One host's switch as OVS itself reports it: `ovs-ofctl monitor` on its
/// bridge (the initial flows, then an ADDED/MODIFIED/DELETED line for every
/// change OVS applies), read on a thread of its own, each chunk stamped with
/// the monotonic clock as it arrives and applied to an `InjectedFlows`.
final class FlowMonitor {
    /// What the reader thread shares with the drill.
    final class Shared: Sendable {
        struct State: Sendable {
            var flows = InjectedFlows()
            /// Reply headers seen: the first means the monitor is registered.
            var replies = 0
            /// NXT_FLOW_MONITOR_PAUSED notices (the monitor fell behind; OVS sends the changes on resume).
            var pauses = 0
            /// Why the monitor stopped (end of its output), nil while it runs.
            var ended: String?
        }
        let state = Mutex(State())
    }

    let host: String
    let target: String
    let shared = Shared()
    private let process = Process()
    /// Kept for the reader thread's lifetime: its handles close the pipe when released.
    private let pipe = Pipe()

    /// `ofctl monitor TARGET watch:!initial`, starting from `flows` (what a
    /// dump just read: OVS's initial reply would carry every flow again).
    /// ovs-ofctl 3.1 prints the (empty) initial reply on stdout
    /// (line-buffered here by `stdbuf -oL`) and every later update on stderr
    /// (unbuffered): both go into one pipe, so no buffer stands between OVS
    /// and us.
    init(host: String, target: String, ofctl: String, from flows: InjectedFlows) throws {
        self.host = host
        self.target = target
        shared.state.withLock { $0.flows = flows }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/stdbuf")
        process.arguments = ["-oL", ofctl, "-O", "OpenFlow13", "monitor", target, "watch:!initial"]
        process.environment = Self.environment(target: target)
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let fd = pipe.fileHandleForReading.fileDescriptor
        let shared = shared, host = host
        let thread = Thread { Self.read(fd: fd, into: shared, host: host) }
        thread.name = "flow monitor \(host)"
        thread.start()
    }

    /// ovs-ofctl monitor opens a control socket in OVS_RUNDIR (without one
    /// it exits): the switch's own run folder for a unix: target.
    static func environment(target: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if target.hasPrefix("unix:") {
            environment["OVS_RUNDIR"] = URL(fileURLWithPath: String(target.dropFirst(5))).deletingLastPathComponent().path
        }
        return environment
    }

    private static func read(fd: Int32, into shared: Shared, host: String) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var carry: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                shared.state.withLock { $0.ended = "ovs-ofctl monitor of \(host) ended" }
                return
            }
            let now = monotonicNanoseconds()
            carry.append(contentsOf: buffer[0..<n])
            guard let lastNewline = carry.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            let text = String(decoding: carry[...lastNewline], as: UTF8.self)
            carry.removeSubrange(...lastNewline)
            let lines = text.split(separator: "\n")
            let parsed = lines.compactMap(FlowLine.parse)
            let replies = lines.count { $0.contains("FLOW_MONITOR reply") }
            let pauses = lines.count { $0.contains("FLOW_MONITOR_PAUSED") }
            shared.state.withLock { state in
                for line in parsed { state.flows.apply(line, at: now) }
                state.replies += replies
                state.pauses += pauses
            }
        }
    }

    var state: Shared.State { shared.state.withLock { $0 } }

    /// SIGTERM to ovs-ofctl (by its pid), SIGKILL a second later (a child
    /// spawned from a runtime thread may have TERM blocked), then reaped.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let end = monotonicNanoseconds() + 1_000_000_000
        while process.isRunning, monotonicNanoseconds() < end { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The bridge's injected flows by a one-off `ovs-ofctl dump-flows`: the
    /// check that the monitor's view is the switch's.
    static func dump(target: String, ofctl: String) throws -> InjectedFlows {
        let dump = Process()
        let pipe = Pipe()
        dump.executableURL = URL(fileURLWithPath: ofctl)
        dump.arguments = ["-O", "OpenFlow13", "dump-flows", target]
        dump.environment = environment(target: target)
        dump.standardOutput = pipe
        try dump.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        dump.waitUntilExit()
        guard dump.terminationStatus == 0 else {
            throw ScaleDrillFailure("ovs-ofctl dump-flows \(target) exited with \(dump.terminationStatus)")
        }
        var flows = InjectedFlows()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if let flow = FlowLine.parse(line) { flows.apply(flow, at: 0) }
        }
        return flows
    }
}
#endif
