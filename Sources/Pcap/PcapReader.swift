import CLibpcap
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a pcap or pcapng capture (libpcap recognises both) from a file or
/// from memory, one frame at a time.
///
/// Not Sendable: a pcap_t must not be used from two threads at once. Close
/// it with `close()` (or use `withReader`); deinit closes it as a safety net.
public final class PcapReader {
    private let handle: PcapHandle

    /// The capture's link-layer type (Ethernet for our fixtures).
    public var linkType: LinkType { handle.linkType }

    /// Opens the capture file at `path`.
    public init(path: String) throws(PcapError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let pcap = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer) else {
            throw PcapError(.open, String(errorBuffer: errorBuffer))
        }
        handle = PcapHandle(pcap: pcap, nanosecondTimestamps: true)
    }

    /// Opens a capture held in memory (the bytes are copied), for benchmarks
    /// and tests that build captures on the fly.
    public init<Bytes: Collection>(bytes: Bytes) throws(PcapError) where Bytes.Element == UInt8 {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        // One memcpy for contiguous collections (Array, Data); element by element otherwise.
        let copied: Bool? = bytes.withContiguousStorageIfAvailable { source in
            memory.copyMemory(from: UnsafeRawBufferPointer(source))
            return true
        }
        if copied == nil { _ = memory.initializeMemory(as: UInt8.self, from: bytes) }
        guard let base = memory.baseAddress, let file = fmemopen(base, bytes.count, "rb") else {
            memory.deallocate()
            throw PcapError(.open, "cannot open an in-memory stream of \(bytes.count) bytes")
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        // On success pcap_close closes `file`; on failure we must.
        guard let pcap = pcap_fopen_offline_with_tstamp_precision(file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer) else {
            fclose(file)
            memory.deallocate()
            throw PcapError(.open, String(errorBuffer: errorBuffer))
        }
        handle = PcapHandle(pcap: pcap, memory: memory, nanosecondTimestamps: true)
    }

    /// The next frame, or nil at the end of the capture.
    public func next() throws(PcapError) -> PcapFrame? {
        try handle.next().frame
    }

    /// Every remaining frame.
    public func readAll() throws(PcapError) -> [PcapFrame] {
        var frames: [PcapFrame] = []
        while let frame = try next() { frames.append(frame) }
        return frames
    }

    /// Releases libpcap's handle now; later reads throw `.closed`.
    public func close() { handle.close() }

    /// Opens `path`, runs `body`, and closes the capture whatever happens.
    public static func withReader<T>(path: String, _ body: (PcapReader) throws -> T) throws -> T {
        let reader = try PcapReader(path: path)
        defer { reader.close() }
        return try body(reader)
    }

    /// All frames of the capture at `path`.
    public static func frames(path: String) throws(PcapError) -> [PcapFrame] {
        let reader = try PcapReader(path: path)
        defer { reader.close() }
        return try reader.readAll()
    }
}

@available(*, unavailable, message: "a pcap_t must not be shared between threads")
extension PcapReader: Sendable {}
