/// A setting a running daemon reads once, at start, as its file spells it:
/// whether a reloaded file changes it, and how a reload keeps what runs.
/// Each daemon declares its restart-only settings as one table of these,
/// read both to name what a reload leaves alone and to leave it.
public struct RestartOnlySetting<Configuration>: Sendable {
    public let name: String
    let differs: @Sendable (_ running: Configuration, _ next: Configuration) -> Bool
    let keep: @Sendable (_ next: inout Configuration, _ running: Configuration) -> Void

    /// Fields compared and kept as they are.
    public init<each Field: Equatable & Sendable>(_ name: String, _ fields: repeat any WritableKeyPath<Configuration, each Field> & Sendable) {
        self.name = name
        differs = { running, next in
            for field in repeat each fields { if running[keyPath: field] != next[keyPath: field] { return true } }
            return false
        }
        keep = { next, running in
            repeat next[keyPath: each fields] = running[keyPath: each fields]
        }
    }

    /// Only a change of what `whether` reads needs a restart; then `field` is kept whole.
    public init<Whether: Equatable & Sendable, Field: Sendable>(_ name: String, whether: any KeyPath<Configuration, Whether> & Sendable,
                                                                 keeping field: any WritableKeyPath<Configuration, Field> & Sendable) {
        self.name = name
        differs = { running, next in running[keyPath: whether] != next[keyPath: whether] }
        keep = { next, running in
            if running[keyPath: whether] != next[keyPath: whether] { next[keyPath: field] = running[keyPath: field] }
        }
    }
}

extension Array {
    /// The names of the settings that `next` changes from `running`, in the table's order.
    public func changes<Configuration>(from running: Configuration, to next: Configuration) -> [String]
    where Element == RestartOnlySetting<Configuration> {
        filter { $0.differs(running, next) }.map(\.name)
    }

    /// `next` with these settings as `running` has them: what a reload applies.
    public func keeping<Configuration>(of running: Configuration, in next: Configuration) -> Configuration
    where Element == RestartOnlySetting<Configuration> {
        var kept = next
        for setting in self { setting.keep(&kept, running) }
        return kept
    }
}
