import Testing

/// A row of a table of JSON texts: the text, and what it must read as (a
/// JSON value, an OVSDB JSON-RPC message). The case is shown by its text.
struct JSONText<Value: Sendable>: Sendable, CustomTestStringConvertible {
    var text: String
    var value: Value
    var testDescription: String { text }
}
