import CLibpcap
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one pcap_t and whatever must outlive it (an in-memory file's
/// bytes). Shared by the reader and the live capture so both close the
/// same way. Not thread-safe, like the pcap_t it wraps.
final class PcapHandle {
    private(set) var pcap: OpaquePointer?
    private var memory: UnsafeMutableRawBufferPointer?
    /// Read once the handle is usable (a live handle only after activation).
    private(set) var linkType: LinkType
    /// Timestamps of offline captures are opened in nanosecond precision.
    let nanosecondTimestamps: Bool

    init(pcap: OpaquePointer, memory: UnsafeMutableRawBufferPointer? = nil, nanosecondTimestamps: Bool) {
        self.pcap = pcap
        self.memory = memory
        self.linkType = LinkType(rawValue: pcap_datalink(pcap))
        self.nanosecondTimestamps = nanosecondTimestamps
    }

    /// Re-reads the link type; a live capture's is known only once activated.
    func refreshLinkType() {
        if let pcap { linkType = LinkType(rawValue: pcap_datalink(pcap)) }
    }

    /// libpcap's last error on this handle.
    var lastError: String {
        guard let pcap, let text = pcap_geterr(pcap) else { return "closed" }
        return String(cString: text)
    }

    /// The next frame; nil at the end of a file (`timedOut` false) or when a
    /// live capture's timeout expired with nothing (`timedOut` true).
    func next() throws(PcapError) -> (frame: PcapFrame?, timedOut: Bool) {
        guard let pcap else { throw PcapError(.closed, "capture is closed") }
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var bytes: UnsafePointer<UInt8>? = nil
        let status = pcap_next_ex(pcap, &header, &bytes)
        switch status {
        case 1:
            guard let header, let bytes else { throw PcapError(.read, "libpcap returned no frame") }
            let h = header.pointee
            let count = Int(h.caplen)
            let data = ByteBuffer(bytes: UnsafeBufferPointer(start: bytes, count: count))
            let sub = Int64(h.ts.tv_usec)
            let nanos = nanosecondTimestamps ? sub : sub &* 1000
            let timestamp = PcapTimestamp(seconds: Int64(h.ts.tv_sec), nanoseconds: UInt32(clamping: nanos))
            return (PcapFrame(timestamp: timestamp, data: data, originalLength: Int(h.len), linkType: linkType), false)
        case 0:
            return (nil, true)
        case PCAP_ERROR_BREAK:
            return (nil, false)
        default:
            throw PcapError(.read, lastError)
        }
    }

    func close() {
        if let pcap { pcap_close(pcap) }
        pcap = nil
        memory?.deallocate()
        memory = nil
    }

    deinit { close() }
}
