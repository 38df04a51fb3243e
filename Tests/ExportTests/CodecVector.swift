import Testing

/// A codec's test vector, both ways: `value` encodes to exactly `bytes`, and
/// `bytes` decode back to `value`. Each failure names the vector and points at
/// the caller's line.
func expectVector<Value: Equatable>(_ name: String, _ value: Value, _ bytes: [UInt8], encode: (Value) -> [UInt8],
                                    decode: ([UInt8]) throws -> Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(encode(value) == bytes, "\(name)", sourceLocation: sourceLocation)
    #expect(try decode(bytes) == value, "\(name)", sourceLocation: sourceLocation)
}
