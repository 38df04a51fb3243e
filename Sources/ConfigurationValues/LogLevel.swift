/// How much a daemon logs (`log-level:` in either file), in swift-log's
/// names, without linking the logging back end.
public enum LogLevel: String, Hashable, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
