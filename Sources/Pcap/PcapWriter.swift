import CLibpcap
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a classic pcap file (microsecond timestamps), the format every
/// tool reads. Not Sendable; `close()` flushes and closes, deinit as a net.
public final class PcapWriter {
    private var dead: OpaquePointer?
    private var dumper: OpaquePointer?
    public let linkType: LinkType

    public init(path: String, linkType: LinkType = .ethernet, snapLength: Int32 = 262_144) throws(PcapError) {
        guard let dead = pcap_open_dead(linkType.rawValue, snapLength) else {
            throw PcapError(.open, "pcap_open_dead failed for link type \(linkType.rawValue)")
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            let message = pcap_geterr(dead).map { String(cString: $0) } ?? "pcap_dump_open failed"
            pcap_close(dead)
            throw PcapError(.open, message)
        }
        self.dead = dead
        self.dumper = dumper
        self.linkType = linkType
    }

    /// Appends one frame. `originalLength` defaults to the bytes given.
    public func write(_ data: ByteBuffer, timestamp: PcapTimestamp = PcapTimestamp(seconds: 0),
                      originalLength: Int? = nil) throws(PcapError) {
        guard let dumper else { throw PcapError(.closed, "writer is closed") }
        var header = pcap_pkthdr()
        // timeval's field types differ between Linux and Darwin.
        header.ts.tv_sec = .init(truncatingIfNeeded: timestamp.seconds)
        header.ts.tv_usec = .init(truncatingIfNeeded: timestamp.nanoseconds / 1000)
        header.caplen = UInt32(truncatingIfNeeded: data.readableBytes)
        header.len = UInt32(truncatingIfNeeded: originalLength ?? data.readableBytes)
        let user = UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self)
        data.withUnsafeReadableBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            // pcap_dump reads nothing when caplen is 0, so an empty buffer's nil base is fine.
            withUnsafePointer(to: &header) { pcap_dump(user, $0, base ?? UnsafePointer(bitPattern: 1)) }
        }
    }

    public func write(_ frame: PcapFrame) throws(PcapError) {
        try write(frame.data, timestamp: frame.timestamp, originalLength: frame.originalLength)
    }

    /// Flushes and closes the file; later writes throw `.closed`.
    public func close() {
        if let dumper { pcap_dump_close(dumper) }
        if let dead { pcap_close(dead) }
        dumper = nil
        dead = nil
    }

    deinit { close() }

    /// Writes `frames` to a new file at `path`.
    public static func write(_ frames: [ByteBuffer], to path: String, linkType: LinkType = .ethernet) throws(PcapError) {
        let writer = try PcapWriter(path: path, linkType: linkType)
        defer { writer.close() }
        for (i, frame) in frames.enumerated() {
            try writer.write(frame, timestamp: PcapTimestamp(seconds: 1_700_000_000, nanoseconds: UInt32(i % 1_000_000) * 1000))
        }
    }
}

@available(*, unavailable, message: "a pcap dumper must not be shared between threads")
extension PcapWriter: Sendable {}
