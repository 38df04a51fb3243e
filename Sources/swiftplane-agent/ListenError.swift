/// A listener that could not start: which one, on which address, and why
/// ("address already in use" alone names neither).
struct ListenError: Error, CustomStringConvertible {
    var what: String
    var address: String
    var underlying: any Error

    var description: String { "\(what) on \(address): \(underlying)" }
}
