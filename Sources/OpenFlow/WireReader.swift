import NIOCore

/// A bounds-checked cursor over one message's bytes. Every read either returns
/// a value or throws an `OpenFlowDecodingError` naming the field and its
/// offset; nothing here can trap on wire data.
struct WireReader {
    var buffer: ByteBuffer
    /// Offset of `buffer`'s first readable byte within the whole message.
    let base: Int
    private let start: Int

    init(_ buffer: ByteBuffer, base: Int = 0) {
        self.buffer = buffer
        self.base = base
        self.start = buffer.readerIndex
    }

    var offset: Int { base &+ (buffer.readerIndex &- start) }
    var remaining: Int { buffer.readableBytes }
    var isEmpty: Bool { buffer.readableBytes == 0 }

    func error(_ what: StaticString, _ reason: OpenFlowDecodingError.Reason, at offset: Int? = nil) -> OpenFlowDecodingError {
        OpenFlowDecodingError(what: String(describing: what), offset: offset ?? self.offset, reason: reason)
    }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_ what: StaticString, as: T.Type = T.self) throws(OpenFlowDecodingError) -> T {
        guard let value = buffer.readInteger(as: T.self) else {
            throw error(what, .truncated(needed: MemoryLayout<T>.size, available: remaining))
        }
        return value
    }

    /// Reads the next integer without consuming it, `ahead` bytes from the cursor.
    func peek<T: FixedWidthInteger>(_ what: StaticString, ahead: Int = 0, as: T.Type = T.self) throws(OpenFlowDecodingError) -> T {
        guard ahead >= 0, ahead <= remaining,
              let value = buffer.getInteger(at: buffer.readerIndex &+ ahead, as: T.self) else {
            throw error(what, .truncated(needed: ahead &+ MemoryLayout<T>.size, available: remaining))
        }
        return value
    }

    mutating func skip(_ count: Int, _ what: StaticString) throws(OpenFlowDecodingError) {
        guard count >= 0 else { throw error(what, .badLength(count)) }
        guard count <= remaining else { throw error(what, .truncated(needed: count, available: remaining)) }
        buffer.moveReaderIndex(forwardBy: count)
    }

    /// A slice of the next `count` bytes: shares storage with the input, no copy.
    mutating func slice(_ count: Int, _ what: StaticString) throws(OpenFlowDecodingError) -> ByteBuffer {
        guard count >= 0 else { throw error(what, .badLength(count)) }
        guard count <= remaining, let slice = buffer.readSlice(length: count) else {
            throw error(what, .truncated(needed: count, available: remaining))
        }
        return slice
    }

    mutating func rest() -> ByteBuffer {
        buffer.readSlice(length: remaining) ?? ByteBuffer()
    }

    mutating func bytes(_ count: Int, _ what: StaticString) throws(OpenFlowDecodingError) -> [UInt8] {
        guard count >= 0 else { throw error(what, .badLength(count)) }
        guard count <= remaining, let bytes = buffer.readBytes(length: count) else {
            throw error(what, .truncated(needed: count, available: remaining))
        }
        return bytes
    }

    /// A reader over the next `count` bytes, with offsets still counted from the message start.
    mutating func sub(_ count: Int, _ what: StaticString) throws(OpenFlowDecodingError) -> WireReader {
        let at = offset
        return WireReader(try slice(count, what), base: at)
    }

    /// How many well-formed elements lead the remaining bytes (at most
    /// remaining / minimum, so never more than the input can hold).
    func countElements(lengthAt: Int, minimum: Int) -> Int {
        buffer.withUnsafeReadableBytes { raw in
            var offset = 0, count = 0
            while raw.count &- offset >= lengthAt &+ 2 {
                let length = Int(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: offset &+ lengthAt, as: UInt16.self)))
                guard length >= max(minimum, 1), length <= raw.count &- offset else { break }
                offset &+= length
                count &+= 1
            }
            return count
        }
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
        while !isEmpty {
            let length = Int(try peek(what, ahead: lengthAt, as: UInt16.self))
            guard length >= minimum, length % multipleOf == 0 else { throw error(what, .badLength(length)) }
            var one = try sub(length, what)
            out.append(try element(&one))
        }
        return out
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
        let start = writerIndex
        writeInteger(type)
        let lengthAt = reserveLength()
        body(&self, start)
        patchLength(at: lengthAt, from: start)
    }

    /// Zero-pads to a multiple of 8 counted from `start`.
    @inline(__always)
    mutating func padTo8(from start: Int) {
        writeZeros((8 &- (writerIndex &- start) % 8) % 8)
    }
}
