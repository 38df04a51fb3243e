import Logging
import NIOConcurrencyHelpers

/// The process's log level, changeable while it runs
/// (`swiftplanectl log-level LEVEL`, `POST /log-level?level=`): every
/// logger's handler reads it at each message.
public final class RuntimeLogLevel: Sendable {
    private let level: NIOLockedValueBox<Logger.Level>

    public init(_ level: Logger.Level) { self.level = NIOLockedValueBox(level) }

    public var current: Logger.Level {
        get { level.withLockedValue { $0 } }
        set { level.withLockedValue { $0 = newValue } }
    }

    /// Makes every logger write key=value lines to standard error at this level.
    public func bootstrap() {
        LoggingSystem.bootstrap { label in AdjustableLogHandler(base: StreamLogHandler.standardError(label: label), level: self) }
    }
}

/// A stream handler whose level is the shared `RuntimeLogLevel`'s.
struct AdjustableLogHandler: LogHandler {
    var base: StreamLogHandler
    let level: RuntimeLogLevel

    var logLevel: Logger.Level {
        get { level.current }
        // A logger's own `logLevel =` would change every logger: ignore it, the admin API sets the level.
        set {}
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}

/// `POST /log-level?level=L`: the answer.
public struct LogLevelReport: Codable, Hashable, Sendable {
    public var level: String
    public var previous: String
}

extension AdminRouter {
    public mutating func serveLogLevel(_ runtime: RuntimeLogLevel) {
        get("/log-level") { _ in LogLevelReport(level: runtime.current.rawValue, previous: runtime.current.rawValue) }
        post("/log-level") { request in
            guard let text = request.query["level"], let level = Logger.Level(rawValue: text) else {
                throw AdminError.badRequest("query parameter 'level': invalid value '\(request.query["level"] ?? "")': expected one of "
                    + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let previous = runtime.current
            runtime.current = level
            return LogLevelReport(level: level.rawValue, previous: previous.rawValue)
        }
    }
}
