/// A row of a parameterised test's table (`@Test(arguments:)`): its values
/// and a name, which is how Swift Testing shows the case and how a failing
/// check's message names it.
public protocol NamedRow: Sendable, CustomStringConvertible {
    var name: String { get }
}

extension NamedRow {
    public var description: String { name }
}
