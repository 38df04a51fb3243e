/// What `Action.decode` does with an action it has read. Validation of a
/// FLOW_MOD's instructions runs the same decoder as decoding, but must not
/// pay for building (and dropping) every action: the action comes as an
/// autoclosure that only `BuildAction` evaluates.
protocol ActionSink {
    associatedtype Output
    static func take(_ action: @autoclosure () -> Action) -> Output
}

/// Decoding: the action itself.
enum BuildAction: ActionSink {
    @inline(__always)
    static func take(_ action: @autoclosure () -> Action) -> Action { action() }
}

/// Validation: the action's bytes were checked; nothing is built.
enum CheckAction: ActionSink {
    @inline(__always)
    static func take(_ action: @autoclosure () -> Action) {}
}
