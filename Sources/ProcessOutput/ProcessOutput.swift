import Foundation

/// What a finished child process printed, and how it ended.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Runs `executable` with `arguments` (and `environment`, else ours),
    /// feeding `input` on stdin, and waits for it: `runAll` of one command,
    /// so its output goes to files (a chatty child never blocks on a full
    /// pipe) and no thread of the caller's or of the global pool is parked
    /// draining one. (Foundation's `Process` still waits for what the child
    /// leaves running: they hold its end of the socket that tells the exit.)
    public static func run(_ executable: URL, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil) throws -> ProcessOutput {
        try runAll([Command(executable, arguments, environment: environment, input: input)])[0]
    }

    /// One child process for `runAll`.
    public struct Command: Sendable {
        public var executable: URL
        public var arguments: [String]
        public var environment: [String: String]?
        /// What the child reads on stdin (from a file); nil: /dev/null.
        public var input: Data?

        public init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.input = input
        }
    }

    /// Starts every command at once, waits for all, and returns what each
    /// printed, in order: N short commands take about the slowest one's
    /// time, not the sum. Each child writes to files of its own and reads
    /// its `input` from one (else /dev/null), so no pipe needs draining and
    /// no thread waits per child: a caller that polls several switches does
    /// not wait on the thread pool. If one fails to start, those already
    /// started are waited for before the error is thrown.
    public static func runAll(_ commands: [Command]) throws -> [ProcessOutput] {
        let files = FileManager.default
        let folder = files.temporaryDirectory.appendingPathComponent("process-output-\(UUID().uuidString)")
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: folder) }
        var started: [(process: Process, stdout: URL, stderr: URL)] = []
        defer { for child in started where child.process.isRunning { child.process.waitUntilExit() } }
        for (index, command) in commands.enumerated() {
            let stdout = folder.appendingPathComponent("\(index).out"), stderr = folder.appendingPathComponent("\(index).err")
            guard files.createFile(atPath: stdout.path, contents: nil), files.createFile(atPath: stderr.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder.path])
            }
            let out = try FileHandle(forWritingTo: stdout), err = try FileHandle(forWritingTo: stderr)
            defer { try? out.close(); try? err.close() }
            let process = Process()
            process.executableURL = command.executable
            process.arguments = command.arguments
            if let environment = command.environment { process.environment = environment }
            process.standardOutput = out
            process.standardError = err
            let inp = try command.input.map { input in
                let path = folder.appendingPathComponent("\(index).in")
                try input.write(to: path)
                return try FileHandle(forReadingFrom: path)
            }
            defer { try? inp?.close() }
            process.standardInput = inp ?? FileHandle.nullDevice
            try process.run()
            started.append((process, stdout, stderr))
        }
        return try started.map { child in
            child.process.waitUntilExit()
            return ProcessOutput(status: child.process.terminationStatus,
                                 stdout: String(decoding: try Data(contentsOf: child.stdout), as: UTF8.self),
                                 stderr: String(decoding: try Data(contentsOf: child.stderr), as: UTF8.self))
        }
    }
}
