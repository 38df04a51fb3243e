import FieldReader
import NIOCore

/// A bounds-checked cursor over one message's bytes. Every read either returns
/// a value or throws an `OpenFlowDecodingError` naming the field and its
/// offset; nothing here can trap on wire data.
///
/// Reads go through a pointer to the message's bytes taken once per message
/// (`WireReader.with`), not through ByteBuffer calls: each of those pays a
/// dynamic exclusivity check, and a FLOW_MOD has some forty fields. The
/// pointer lives only inside `with`'s closure, which every decode runs in.
/// So does the pointer to the buffer itself: holding the buffer would make the
/// reader a reference-counted value, and decoders copy readers for every
/// element (`sub`), each copy a retain and a release.
struct WireReader: FieldReading {
    /// The buffer `raw` points into, for slices that share storage (no copies).
    private let source: UnsafePointer<ByteBuffer>
    private let raw: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    /// Offset of `raw[0]` within the message, for error offsets.
    private let base: Int

    private init(source: UnsafePointer<ByteBuffer>, raw: UnsafeRawBufferPointer, position: Int, end: Int, base: Int) {
        self.source = source
        self.raw = raw
        self.position = position
        self.end = end
        self.base = base
    }

    /// Runs `body` with a reader over `buffer`'s readable bytes.
    static func with<R>(
        _ buffer: ByteBuffer, base: Int = 0, _ body: (inout WireReader) throws(OpenFlowDecodingError) -> R
    ) throws(OpenFlowDecodingError) -> R {
        let result: Result<R, OpenFlowDecodingError> = withUnsafePointer(to: buffer) { source in
            buffer.withUnsafeReadableBytes { raw in
                var reader = WireReader(source: source, raw: raw, position: 0, end: raw.count, base: base)
                do throws(OpenFlowDecodingError) {
                    return .success(try body(&reader))
                } catch {
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    var offset: Int { base &+ position }
    var remaining: Int { end &- position }

    func error(_ what: String, _ reason: OpenFlowDecodingError.Reason, at offset: Int? = nil) -> OpenFlowDecodingError {
        OpenFlowDecodingError(what: what, offset: offset ?? self.offset, reason: reason)
    }

    /// A negative count is a length field that said so; any other is a short read.
    func shortField(_ field: String, needed: Int) -> OpenFlowDecodingError {
        error(field, needed < 0 ? .badLength(needed) : .truncated(needed: needed, available: remaining))
    }

    @inline(__always)
    private func load<T: FixedWidthInteger>(at index: Int, as: T.Type) -> T {
        T(bigEndian: raw.loadUnaligned(fromByteOffset: index, as: T.self))
    }

    @inline(__always)
    mutating func uncheckedInteger<T: FixedWidthInteger>(_: T.Type) -> T {
        let value = load(at: position, as: T.self)
        position &+= MemoryLayout<T>.size
        return value
    }

    @inline(__always)
    mutating func uncheckedSkip(_ count: Int) { position &+= count }

    mutating func uncheckedBytes(_ count: Int) -> [UInt8] {
        defer { position &+= count }
        return Array(raw[position..<(position &+ count)])
    }

    mutating func uncheckedSub(_ count: Int) -> WireReader {
        defer { position &+= count }
        return WireReader(source: source, raw: raw, position: position, end: position &+ count, base: base)
    }

    /// Reads the next integer without consuming it, `ahead` bytes from the cursor.
    func peek<T: FixedWidthInteger>(_ what: @autoclosure () -> String, ahead: Int = 0, as: T.Type = T.self) throws(OpenFlowDecodingError) -> T {
        let size = MemoryLayout<T>.size
        guard ahead >= 0, remaining >= ahead &+ size else {
            throw error(what(), .truncated(needed: ahead &+ size, available: remaining))
        }
        return load(at: position &+ ahead, as: T.self)
    }

    /// A slice of the next `count` bytes: shares storage with the input, no copy.
    mutating func slice(_ count: Int, _ what: @autoclosure () -> String) throws(OpenFlowDecodingError) -> ByteBuffer {
        try require(count, what())
        guard let slice = source.pointee.getSlice(at: source.pointee.readerIndex &+ position, length: count) else {
            throw error(what(), .truncated(needed: count, available: remaining))
        }
        position &+= count
        return slice
    }

    mutating func rest() -> ByteBuffer {
        (try? slice(remaining, "rest")) ?? ByteBuffer()
    }

    /// Whether every remaining byte is zero (padding that must be).
    var restIsZero: Bool { raw[position..<end].allSatisfy { $0 == 0 } }

    /// Reads a fixed-layout block of `count` bytes after one bounds check;
    /// `body` must read at most `count` bytes.
    @inline(__always)
    mutating func fixed<R>(_ count: Int, _ what: @autoclosure () -> String, _ body: (inout FixedReader) -> R) throws(OpenFlowDecodingError) -> R {
        try require(count, what())
        guard let start = raw.baseAddress else { throw error(what(), .truncated(needed: count, available: remaining)) }
        var reader = FixedReader(base: start + position)
        let result = body(&reader)
        position &+= count
        return result
    }

    /// How many well-formed elements lead the remaining bytes (at most
    /// remaining / minimum, so never more than the input can hold).
    func countElements(lengthAt: Int, minimum: Int) -> Int {
        var offset = position, count = 0
        while end &- offset >= lengthAt &+ 2 {
            let length = Int(load(at: offset &+ lengthAt, as: UInt16.self))
            guard length >= max(minimum, 1), length <= end &- offset else { break }
            offset &+= length
            count &+= 1
        }
        return count
    }

    /// Reads a list of TLV-like elements whose 16-bit length sits `lengthAt` bytes
    /// into each element, calling `element` with a reader bounded to one element.
    mutating func elements<T>(
        _ what: StaticString, lengthAt: Int = 2, minimum: Int, multipleOf: Int = 1,
        _ element: (inout WireReader) throws(OpenFlowDecodingError) -> T
    ) throws(OpenFlowDecodingError) -> [T] {
        var out: [T] = []
        // Size the array once: growing it element by element cost an allocation per doubling.
        out.reserveCapacity(countElements(lengthAt: lengthAt, minimum: minimum))
        try forEachElement(what, lengthAt: lengthAt, minimum: minimum, multipleOf: multipleOf) {
            (one: inout WireReader) throws(OpenFlowDecodingError) in
            out.append(try element(&one))
        }
        return out
    }

    /// Walks the same list as `elements` without collecting anything (validation).
    mutating func forEachElement(
        _ what: StaticString, lengthAt: Int = 2, minimum: Int, multipleOf: Int = 1,
        _ element: (inout WireReader) throws(OpenFlowDecodingError) -> Void
    ) throws(OpenFlowDecodingError) {
        while !isEmpty {
            var one = try self.element("\(what)", lengthAt: lengthAt, minimum: minimum, multipleOf: multipleOf)
            try element(&one)
        }
    }

    /// The next element that carries its own 16-bit length, `lengthAt` bytes
    /// in and counting the whole element: a reader over exactly its bytes.
    /// A length under `minimum`, or past it by other than whole `multipleOf`
    /// steps, is an error naming `what`.
    mutating func element(_ what: String, lengthAt: Int = 0, minimum: Int, multipleOf: Int = 1) throws(OpenFlowDecodingError) -> WireReader {
        let length = Int(try peek(what, ahead: lengthAt, as: UInt16.self))
        guard length >= minimum, (length &- minimum) % multipleOf == 0 else { throw error(what, .badLength(length)) }
        return try sub(length, what)
    }

    /// Reads a type-length-value element padded to 8 bytes, the padding not
    /// counted in the length (HELLO elements, table feature properties): the
    /// type, the length, and a reader over the value. The last element of a
    /// list may omit its padding.
    mutating func paddedTLV(_ what: String) throws(OpenFlowDecodingError) -> (type: UInt16, length: Int, value: WireReader) {
        let at = offset
        let type: UInt16 = try integer("\(what) type")
        let length = Int(try integer("\(what) length", as: UInt16.self))
        guard length >= 4 else { throw error("\(what) length", .badLength(length), at: at &+ 2) }
        let value = try sub(length &- 4, what)
        try skip(min((8 &- length % 8) % 8, remaining), "\(what) padding")
        return (type, length, value)
    }
}

extension ByteBuffer {
    @inline(__always)
    mutating func writeZeros(_ count: Int) {
        if count > 0 { writeRepeatingByte(0, count: count) }
    }

    /// Writes a 16-bit length placeholder; `patchLength` fills it in.
    @inline(__always)
    mutating func reserveLength() -> Int {
        let at = writerIndex
        writeInteger(UInt16(0))
        return at
    }

    /// Sets the 16-bit length at `at` to the bytes written since `start`.
    @inline(__always)
    mutating func patchLength(at: Int, from start: Int) {
        setInteger(UInt16(truncatingIfNeeded: writerIndex &- start), at: at)
    }

    /// Writes a type-length-value element (actions, instructions, bands,
    /// properties): the 16-bit type, then the length of all `body` writes.
    /// `body` gets the element's start offset, for padding.
    @inline(__always)
    mutating func writeTLV(type: UInt16, _ body: (inout ByteBuffer, Int) -> Void) {
        writeWithLength(after: { $0.writeInteger(type) }, body)
    }

    /// Writes an element that carries its own 16-bit length, counting the
    /// whole element: `head` writes the fields before the length field (none
    /// for most), `body` the rest; `body` gets the element's start offset.
    @inline(__always)
    mutating func writeWithLength(after head: (inout ByteBuffer) -> Void = { _ in }, _ body: (inout ByteBuffer, Int) -> Void) {
        let start = writerIndex
        head(&self)
        let lengthAt = reserveLength()
        body(&self, start)
        patchLength(at: lengthAt, from: start)
    }

    /// Writes an action or instruction kept as bytes: the experimenter id
    /// first when it has one (OFPAT_EXPERIMENTER, OFPIT_EXPERIMENTER), then
    /// the bytes as they came.
    mutating func writeOpaqueTLV(type: UInt16, experimenter: UInt32? = nil, _ body: ByteBuffer) {
        writeTLV(type: type) { buffer, _ in
            if let experimenter { buffer.writeInteger(experimenter) }
            buffer.writeImmutableBuffer(body)
        }
    }

    /// Writes a type-length-value element padded to 8 bytes, the padding not
    /// counted in the length (HELLO elements, table feature properties,
    /// NXAST_CONTROLLER2 properties).
    @inline(__always)
    mutating func writePaddedTLV(type: UInt16, _ body: (inout ByteBuffer) -> Void) {
        let start = writerIndex
        writeTLV(type: type) { buffer, _ in body(&buffer) }
        padTo8(from: start)
    }

    /// Zero-pads to a multiple of 8 counted from `start`.
    @inline(__always)
    mutating func padTo8(from start: Int) {
        writeZeros((8 &- (writerIndex &- start) % 8) % 8)
    }
}
