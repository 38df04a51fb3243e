import BGPSpeaker
import Logging
import Metrics
import MRT
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes MRT update dumps into a folder: `updates.SECONDS.mrt` files of at
/// most `maximumFileBytes`, the oldest removed past `maximumFiles`. Records
/// queue (bounded in octets: past `maximumQueuedBytes` they are dropped,
/// counted and warned of) and a task writes them every 200 ms, so the
/// speaker never waits on the disk. Table dumps go beside them on request.
public final class MRTFileWriter: Sendable {
    public struct Configuration: Sendable {
        public var directory: String
        public var maximumFileBytes: Int
        public var maximumFiles: Int
        public var maximumQueuedBytes: Int

        public init(directory: String, maximumFileBytes: Int = 64 << 20, maximumFiles: Int = 8, maximumQueuedBytes: Int = 16 << 20) {
            self.directory = directory
            self.maximumFileBytes = maximumFileBytes
            self.maximumFiles = maximumFiles
            self.maximumQueuedBytes = maximumQueuedBytes
        }
    }

    private struct State {
        var queue: [[UInt8]] = []
        var bytes = 0
        var dropped = 0
        var droppedSinceWarning = 0
        var lastWarning: UInt32?
        var stopped = false
    }

    /// Touched by the writing task (and `stop`) only: the disk is never written under `state`'s lock.
    private struct FileState {
        var fd: Int32 = -1
        var fileBytes = 0
        var path: String?
        var failed = 0
    }

    public let configuration: Configuration
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let file = NIOLockedValueBox(FileState())
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let droppedCounter = Counter(label: "mrt_records_dropped_total")
    private let writtenCounter = Counter(label: "mrt_records_written_total")

    public init(_ configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Checks the folder can be written (creating it), and starts the writing task.
    public func start() throws(MRTWriterError) {
        if mkdir(configuration.directory, 0o750) != 0, errno != EEXIST {
            throw MRTWriterError(path: configuration.directory, reason: String(cString: strerror(errno)))
        }
        guard access(configuration.directory, W_OK) == 0 else {
            throw MRTWriterError(path: configuration.directory, reason: String(cString: strerror(errno)))
        }
        task.withLockedValue { t in
            guard t == nil else { return }
            t = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                    self.drain()
                }
            }
        }
    }

    /// Queues a record; never waits.
    public func append(_ record: MRTRecord) {
        let bytes = record.encoded()
        var warn: (Int, Int)?
        state.withLockedValue { s in
            guard !s.stopped else { return }
            if s.bytes + bytes.count > configuration.maximumQueuedBytes {
                s.dropped += 1
                s.droppedSinceWarning += 1
                let now = WallTime.now().seconds
                if s.lastWarning.map({ now &- $0 >= 10 }) ?? true {
                    warn = (s.droppedSinceWarning, s.dropped)
                    s.droppedSinceWarning = 0
                    s.lastWarning = now
                }
                return
            }
            s.queue.append(bytes)
            s.bytes += bytes.count
        }
        if let (n, total) = warn {
            droppedCounter.increment(by: n)
            logger.warning("MRT update dump cannot keep up: records dropped", metadata: ["directory": "\(configuration.directory)", "dropped": "\(n)",
                                                                                         "dropped-total": "\(total)", "queue-limit": "\(configuration.maximumQueuedBytes)"])
        }
    }

    /// Records dropped so far because the disk did not keep up.
    public var droppedRecords: Int { state.withLockedValue { $0.dropped } + file.withLockedValue { $0.failed } }

    /// The file being written, once one is open.
    public var currentFile: String? { file.withLockedValue { $0.path } }

    /// Writes what is queued and closes the file.
    public func stop() {
        task.withLockedValue { $0?.cancel() }
        state.withLockedValue { $0.stopped = true }
        drain()
        file.withLockedValue { f in
            if f.fd >= 0 { close(f.fd) }
            f.fd = -1
        }
    }

    /// Writes the queue into the current file, rotating when it is full.
    func drain() {
        let batch = state.withLockedValue { s in
            defer { s.queue = []; s.bytes = 0 }
            return s.queue
        }
        guard !batch.isEmpty else { return }
        file.withLockedValue { s in
            for record in batch {
                if s.fd < 0 || s.fileBytes + record.count > configuration.maximumFileBytes, !openNext(&s) {
                    s.failed += 1
                    continue
                }
                let n = record.withUnsafeBytes { write(s.fd, $0.baseAddress, $0.count) }
                if n == record.count {
                    s.fileBytes += n
                    writtenCounter.increment()
                } else {
                    s.failed += 1
                    // Warned at the 1st, 2nd, 4th, 8th... failure: a full disk does not flood the log.
                    if s.failed & (s.failed - 1) == 0 {
                        logger.warning("MRT update dump: write failed, record lost", metadata: ["file": "\(s.path ?? "")", "error": "\(String(cString: strerror(errno)))",
                                                                                               "lost-total": "\(s.failed)"])
                    }
                }
            }
        }
    }

    /// Closes the current file, opens a new one and removes the oldest past the limit.
    private func openNext(_ s: inout FileState) -> Bool {
        if s.fd >= 0 { close(s.fd) }
        let t = WallTime.now()
        var path = "\(configuration.directory)/updates.\(t.seconds).mrt"
        var n = 1
        while access(path, F_OK) == 0 {
            path = "\(configuration.directory)/updates.\(t.seconds)-\(n).mrt"
            n += 1
        }
        s.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard s.fd >= 0 else {
            if s.failed & (s.failed + 1) == 0 {
                logger.warning("MRT update dump: cannot create the file, record lost", metadata: ["file": "\(path)", "error": "\(String(cString: strerror(errno)))",
                                                                                              "lost-total": "\(s.failed + 1)"])
            }
            s.path = nil
            return false
        }
        s.path = path
        s.fileBytes = 0
        logger.info("MRT update dump: writing", metadata: ["file": "\(path)"])
        for old in Self.files(in: configuration.directory, prefix: "updates.").dropLast(max(configuration.maximumFiles, 1)) {
            unlink("\(configuration.directory)/\(old)")
        }
        return true
    }

    /// Names in `directory` starting with `prefix`, oldest first (by the seconds in the name).
    static func files(in directory: String, prefix: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasPrefix(prefix), name.hasSuffix(".mrt") { names.append(name) }
        }
        func key(_ name: String) -> (Int, Int) {
            let middle = name.dropFirst(prefix.count).dropLast(4).split(separator: "-")
            return (Int(middle.first ?? "") ?? 0, middle.count > 1 ? Int(middle[1]) ?? 0 : 0)
        }
        return names.sorted { key($0) < key($1) }
    }

    /// Writes `records` as `table.SECONDS.mrt` (whole or not at all: a
    /// temporary file renamed); returns its path.
    public func writeTableDump(_ records: [MRTRecord]) throws(MRTWriterError) -> String {
        let t = WallTime.now()
        let path = "\(configuration.directory)/table.\(t.seconds).\(t.microseconds).mrt", temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw MRTWriterError(path: temporary, reason: String(cString: strerror(errno))) }
        var failed: String?
        for r in records where failed == nil {
            let bytes = r.encoded()
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n != bytes.count { failed = String(cString: strerror(errno)) }
        }
        close(fd)
        if failed == nil, rename(temporary, path) != 0 { failed = String(cString: strerror(errno)) }
        if let failed {
            unlink(temporary)
            throw MRTWriterError(path: path, reason: failed)
        }
        return path
    }
}

/// A dump folder or file that cannot be written: its path and the system's reason.
public struct MRTWriterError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "MRT dump '\(path)': \(reason)" }
}

/// Feeds an `MRTFileWriter` with every UPDATE a speaker receives: register it with `Speaker.addObserver`.
public struct SpeakerMRTObserver: SpeakerObserver {
    public let writer: MRTFileWriter
    public init(writer: MRTFileWriter) { self.writer = writer }

    public func speaker(_ event: SpeakerEvent, at time: WallTime) {
        if let record = SpeakerMRTMapping.record(for: event, at: time) { writer.append(record) }
    }
}
