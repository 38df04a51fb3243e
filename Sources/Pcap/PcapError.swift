/// A failure reported by libpcap, with its own message.
public struct PcapError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Operation: String, Sendable, Hashable {
        case open, read, write, filter, activate, closed
    }

    public var operation: Operation
    /// libpcap's text (from its error buffer or pcap_geterr).
    public var message: String

    public init(_ operation: Operation, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "pcap \(operation.rawValue): \(message)" }
}

extension String {
    /// Text of a libpcap error buffer: the bytes up to the first NUL.
    init(errorBuffer: [CChar]) {
        let bytes = errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
