/// What `Action.decode` does with an action it has read. Validation of a
/// FLOW_MOD's instructions runs the same decoder as decoding, but must not
/// pay for building (and dropping) every action: the action comes as an
/// autoclosure that only `BuildAction` evaluates.
protocol ActionSink {
    associatedtype Output
    static func take(_ action: @autoclosure () -> Action) -> Output
    /// A set_field after its header (`length` is the action's, `at` its
    /// offset): its OXM TLV decoded, or only measured.
    static func setField(from reader: inout WireReader, length: Int, at: Int) throws(OpenFlowDecodingError) -> Output
}

/// Decoding: the action itself.
enum BuildAction: ActionSink {
    @inline(__always)
    static func take(_ action: @autoclosure () -> Action) -> Action { action() }

    @inline(__always)
    static func setField(from reader: inout WireReader, length: Int, at: Int) throws(OpenFlowDecodingError) -> Action {
        let field = try OXMField.decode(from: &reader)
        try Action.checkSetFieldLength(tlv: field.size, length: length, at: at, &reader)
        return .setField(field)
    }
}

/// Validation: the action's bytes were checked; nothing is built.
enum CheckAction: ActionSink {
    @inline(__always)
    static func take(_ action: @autoclosure () -> Action) {}

    @inline(__always)
    static func setField(from reader: inout WireReader, length: Int, at: Int) throws(OpenFlowDecodingError) {
        try Action.checkSetFieldLength(tlv: try OXMField.skip(from: &reader), length: length, at: at, &reader)
    }
}
