import CLibpcap
import NIOCore

/// A live capture on one interface with an optional BPF filter, for tests
/// and tools (needs CAP_NET_RAW). Not Sendable; `close()` or deinit.
public final class PcapLiveCapture {
    private let handle: PcapHandle

    public var linkType: LinkType { handle.linkType }

    /// Opens `interface` in immediate mode; `timeoutMilliseconds` bounds how
    /// long `next()` waits before returning nil.
    public init(interface: String, filter: String? = nil, snapLength: Int32 = 262_144,
                promiscuous: Bool = true, timeoutMilliseconds: Int32 = 100) throws(PcapError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let pcap = pcap_create(interface, &errorBuffer) else {
            throw PcapError(.open, String(errorBuffer: errorBuffer))
        }
        // From here the handle owns pcap_t and closes it on any throw.
        let handle = PcapHandle(pcap: pcap, nanosecondTimestamps: false)
        pcap_set_snaplen(pcap, snapLength)
        pcap_set_promisc(pcap, promiscuous ? 1 : 0)
        pcap_set_timeout(pcap, timeoutMilliseconds)
        pcap_set_immediate_mode(pcap, 1)
        let status = pcap_activate(pcap)
        if status < 0 {
            let message = status == PCAP_ERROR ? handle.lastError : (pcap_statustostr(status).map { String(cString: $0) } ?? "error \(status)")
            handle.close()
            throw PcapError(.activate, "\(interface): \(message)")
        }
        handle.refreshLinkType()
        if let filter {
            var program = bpf_program()
            guard pcap_compile(pcap, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                let message = handle.lastError
                handle.close()
                throw PcapError(.filter, message)
            }
            defer { pcap_freecode(&program) }
            guard pcap_setfilter(pcap, &program) == 0 else {
                let message = handle.lastError
                handle.close()
                throw PcapError(.filter, message)
            }
        }
        self.handle = handle
    }

    /// The next frame, or nil when the timeout expired with none.
    public func next() throws(PcapError) -> PcapFrame? {
        try handle.next().frame
    }

    public func close() { handle.close() }
}

@available(*, unavailable, message: "a pcap_t must not be shared between threads")
extension PcapLiveCapture: Sendable {}
