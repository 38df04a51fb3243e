import Foundation
import Synchronization

/// The one way tests run a child that outlives a call (the agent, the route
/// reflector, gobgpd, FRR, ExaBGP, a ping or tcpdump left running): started
/// with its arguments and extra environment, optionally inside a network
/// namespace through `ip netns exec` (which execs: the pid is the child's),
/// its stdout and stderr in a log file, stdin /dev/null, no other descriptor
/// of the test runner, and a clean signal mask (a child of a Dispatch worker
/// thread would otherwise inherit SIGTERM blocked). `stop()` ends it by pid,
/// SIGTERM then SIGKILL, and reaps it; `deinit` does too, so a throwing test
/// leaves nothing behind. Short commands that are waited for use `Command.run`.
public final class Daemon: Sendable {
    public let pid: pid_t
    /// Its stdout and stderr.
    public let log: URL
    private let ownsLog: Bool
    /// Files the child makes that go with this value (a socket a kill -9 leaves).
    private let leftovers: [URL]
    /// The wait status once reaped; nil while it runs.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `arguments` (the program by path, or a name found on PATH).
    /// `log` nil: a temporary file, removed with this value; so are `leftovers`.
    public init(_ arguments: [String], netns: String? = nil, environment: [String: String] = [:], log: URL? = nil,
                leftovers: [URL] = []) throws {
        let commandLine = netns.map { [Command.which("ip") ?? "/usr/sbin/ip", "netns", "exec", $0] + arguments } ?? arguments
        guard let program = commandLine.first.flatMap({ $0.contains("/") ? $0 : Command.which($0) }) else {
            throw SpawnError(arguments: arguments, reason: "not found on PATH")
        }
        ownsLog = log == nil
        self.leftovers = leftovers
        self.log = log ?? FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-child-\(UUID().uuidString).log")
        pid = try Self.spawn(program, commandLine, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                             log: self.log.path)
    }

    /// What it has written so far, at most the last `Self.outputLimit` bytes.
    public var output: String {
        guard let handle = try? FileHandle(forReadingFrom: log) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > Self.outputLimit ? size - Self.outputLimit : 0)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// How much of the log `output` returns: a chatty child never fills a test's memory.
    public static let outputLimit: UInt64 = 4 << 20

    /// True until it has exited (it is reaped as soon as that is seen).
    public var isRunning: Bool {
        reaped.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
            return status == nil
        }
    }

    /// Its exit code, or 128 + the signal that ended it; nil while it runs.
    public var terminationStatus: Int32? {
        guard !isRunning, let raw = reaped.withLock({ $0 }) else { return nil }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Waits up to `seconds` for it to exit; true when it has.
    @discardableResult
    public func waitForExit(within seconds: Double) -> Bool {
        let deadline = Date() + seconds
        while isRunning && Date() < deadline { usleep(20_000) }
        return !isRunning
    }

    /// Waits up to `seconds`, blocking this thread, for `text` in its output;
    /// false at once when it exited without it. For synchronous tests, which
    /// a cooperative pool busy with other tests cannot hold up.
    public func waitForOutput(_ text: String, within seconds: Double) -> Bool {
        let deadline = Date() + seconds
        while !output.contains(text) {
            guard isRunning, Date() < deadline else { return output.contains(text) }
            usleep(20_000)
        }
        return true
    }

    /// Sends `signal` and waits up to `seconds` for the exit; true when it exited.
    public func signal(_ signal: Int32, within seconds: Double) -> Bool {
        if isRunning { kill(pid, signal) }
        return waitForExit(within: seconds)
    }

    /// Sends `signal` (SIGHUP for a reload) without waiting.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits up to `seconds` for `condition` (a port that answers, a line in
    /// the log); false at once when the child has exited instead.
    public func ready(within seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        var exited = false
        let met = try await eventually(seconds) {
            if !isRunning { exited = true; return true }
            return try await condition()
        }
        return met && !exited
    }

    /// `ready` on a line of the log that contains `text`.
    public func ready(within seconds: Double, logContains text: String) async -> Bool {
        await ready(within: seconds) { output.contains(text) }
    }

    /// Waits up to `seconds` for it to exit (without holding a thread), stops
    /// it if it has not, and returns what it printed: for a ping or a capture.
    public func finish(within seconds: Double) async -> String {
        _ = await eventually(seconds) { !isRunning }
        stop()
        return output
    }

    /// Ends it: SIGTERM, SIGKILL after `grace` seconds if it is still there, then reaps it.
    public func stop(grace: Double = 2) {
        guard isRunning else { return }
        if !signal(SIGTERM, within: grace) { kill(pid, SIGKILL) }
        reaped.withLock { status in
            guard status == nil else { return }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            status = raw
        }
    }

    deinit {
        stop()
        if ownsLog { try? FileManager.default.removeItem(at: log) }
        for file in leftovers { try? FileManager.default.removeItem(at: file) }
    }

    private static func spawn(_ program: String, _ arguments: [String], environment: [String: String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = closeFrom?(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError(arguments: arguments, reason: String(cString: strerror(result))) }
        return pid
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which
/// Swift's Glibc module does not export: found at run time.
private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
private let closeFrom: CloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    .map { unsafeBitCast($0, to: CloseFrom.self) }

/// A child that could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public var arguments: [String]
    public var reason: String
    public var description: String { "cannot start \(arguments.joined(separator: " ")): \(reason)" }
}
