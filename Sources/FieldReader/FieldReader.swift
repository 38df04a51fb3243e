/// Why some bytes are not a valid record of a monitoring format (BMP, MRT):
/// the field by its RFC name, its value when there was one, what is wrong,
/// and the offset from the record's first octet.
public struct FieldDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// "BMP", "MRT".
    public var format: String
    public var field: String
    public var value: String?
    public var reason: String
    public var offset: Int

    public init(format: String, field: String, value: String? = nil, reason: String, offset: Int) {
        self.format = format
        self.field = field
        self.value = value
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(format) \(field)\(value.map { " \($0)" } ?? ""): \(reason) at offset \(offset)" }
}

/// A bounds-checked big-endian reader over a record that names the field it
/// could not read; a length field never makes it allocate more than is there.
/// Its verbs are `FieldReading`'s.
public struct FieldReader: FieldReading {
    public private(set) var bytes: ArraySlice<UInt8>
    public let format: String
    private let start: Int

    public init(_ bytes: ArraySlice<UInt8>, format: String) {
        self.init(bytes, format: format, start: bytes.startIndex)
    }

    private init(_ bytes: ArraySlice<UInt8>, format: String, start: Int) {
        self.bytes = bytes
        self.format = format
        self.start = start
    }

    public var offset: Int { bytes.startIndex - start }
    public var remaining: Int { bytes.count }

    public mutating func uncheckedInteger<T: FixedWidthInteger>(_: T.Type) -> T {
        let size = MemoryLayout<T>.size
        defer { bytes = bytes.dropFirst(size) }
        return bytes.prefix(size).reduce(T(0)) { $0 << 8 | T($1) }
    }

    public mutating func uncheckedSkip(_ count: Int) { bytes = bytes.dropFirst(count) }

    public mutating func uncheckedBytes(_ count: Int) -> [UInt8] {
        defer { bytes = bytes.dropFirst(count) }
        return Array(bytes.prefix(count))
    }

    public mutating func uncheckedSub(_ count: Int) -> FieldReader {
        defer { bytes = bytes.dropFirst(count) }
        return FieldReader(bytes.prefix(count), format: format, start: start)
    }

    public func shortField(_ field: String, needed: Int) -> FieldDecodingError {
        FieldDecodingError(format: format, field: field, reason: "needs \(needed) octets, \(remaining) left", offset: offset)
    }

    public mutating func rest() -> [UInt8] {
        defer { bytes = bytes.suffix(0) }
        return Array(bytes)
    }

    public func invalid(_ field: String, _ value: some CustomStringConvertible, _ reason: String) -> FieldDecodingError {
        FieldDecodingError(format: format, field: field, value: "\(value)", reason: reason, offset: offset)
    }

    public func error(_ field: String, _ reason: String) -> FieldDecodingError {
        FieldDecodingError(format: format, field: field, reason: reason, offset: offset)
    }

    /// A number the format declares as an enum (`T`'s raw values): read at
    /// its width, refused with `reason` when `T` has no case for it.
    public mutating func number<T: RawRepresentable>(_ field: String, as _: T.Type, unknown reason: String = "unknown") throws(FieldDecodingError) -> T
        where T.RawValue: FixedWidthInteger {
        let raw = try integer(field, as: T.RawValue.self)
        guard let value = T(rawValue: raw) else { throw invalid(field, raw, reason) }
        return value
    }

    /// One BGP message (RFC 4271 §4.1), whole: its length from its header, checked against what is left.
    public mutating func bgpMessage(_ field: String) throws(FieldDecodingError) -> [UInt8] {
        guard remaining >= 19 else { throw error(field, "needs a 19-octet BGP header, \(remaining) left") }
        let i = bytes.startIndex
        guard bytes[i..<i + 16].allSatisfy({ $0 == 0xff }) else { throw invalid(field, "marker", "is not 16 octets of 0xff") }
        let length = Int(bytes[i + 16]) << 8 | Int(bytes[i + 17])
        guard length >= 19 else { throw invalid("\(field) length", length, "is under 19") }
        return try bytes(length, field)
    }
}

extension [UInt8] {
    public mutating func appendBigEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.bigEndian) { append(contentsOf: $0) }
    }
}
