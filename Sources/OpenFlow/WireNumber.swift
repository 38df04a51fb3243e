/// A number the protocol declares, as an enum case: the raw value is the
/// number on the wire, `name` the specification's name. The codecs write
/// the case's raw value and decode by `init(rawValue:)`, so each number is
/// written once, in its enum.
public protocol WireNumber: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue: BinaryInteger {
    /// The specification's name, e.g. "OFPAT_SET_FIELD".
    var name: String { get }
    /// What a number that is not declared is called, before the number: "OFPAT_UNKNOWN_".
    static var unknownPrefix: String { get }
}

extension WireNumber {
    /// The name of a wire number; the prefix and the number for one not declared.
    public static func name(_ number: RawValue) -> String {
        Self(rawValue: number)?.name ?? unknownPrefix + "\(number)"
    }
}
