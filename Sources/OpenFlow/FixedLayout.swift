import NIOCore

/// Big-endian stores into bytes already reserved by `ByteBuffer.writeFixed`.
/// One reservation per fixed-layout block instead of one checked access per
/// field: the hot encoders (FLOW_MOD, PACKET_IN, actions) write in a few blocks.
struct FixedWriter {
    let base: UnsafeMutableRawPointer
    var offset = 0

    @inline(__always)
    mutating func put<T: FixedWidthInteger>(_ value: T) {
        (base + offset).storeBytes(of: value.bigEndian, as: T.self)
        offset &+= MemoryLayout<T>.size
    }

    @inline(__always)
    mutating func zeros(_ count: Int) {
        (base + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
        offset &+= count
    }

    @inline(__always)
    mutating func bytes(_ bytes: [UInt8]) {
        self.bytes(bytes[...])
    }

    @inline(__always)
    mutating func bytes(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { raw in
            if let source = raw.baseAddress { (base + offset).copyMemory(from: source, byteCount: raw.count) }
        }
        offset &+= bytes.count
    }
}

extension FixedWriter {
    @inline(__always)
    mutating func buffer(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { raw in
            if let source = raw.baseAddress { (base + offset).copyMemory(from: source, byteCount: raw.count) }
        }
        offset &+= buffer.readableBytes
    }
}

/// Big-endian loads from bytes `WireReader.fixed` has checked are there.
struct FixedReader {
    let base: UnsafeRawPointer
    var offset = 0

    @inline(__always)
    mutating func get<T: FixedWidthInteger>(_: T.Type = T.self) -> T {
        let value = T(bigEndian: (base + offset).loadUnaligned(as: T.self))
        offset &+= MemoryLayout<T>.size
        return value
    }

    @inline(__always)
    mutating func skip(_ count: Int) { offset &+= count }
}

extension ByteBuffer {
    /// Writes exactly `count` bytes through `body`, which must write exactly that many.
    @inline(__always)
    mutating func writeFixed(_ count: Int, _ body: (inout FixedWriter) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            guard let base = raw.baseAddress, count > 0 else { return 0 }
            var writer = FixedWriter(base: base)
            body(&writer)
            assert(writer.offset == count, "fixed block wrote \(writer.offset) of \(count) bytes")
            return count
        }
    }
}
