/// Ethernet segment identifier (RFC 7432 §5): 10 octets, type first.
public struct EthernetSegmentIdentifier: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt16
    public var low: UInt64
    public init(high: UInt16, low: UInt64) { self.high = high; self.low = low }
    public static let zero = EthernetSegmentIdentifier(high: 0, low: 0)
    public var type: UInt8 { UInt8(high >> 8) }
    public var bytes: [UInt8] {
        [UInt8(high >> 8), UInt8(truncatingIfNeeded: high)] + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
    }
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}
