import NIOCore

/// One end of a TCP connection.
public struct TCPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
    public var description: String { HostPort.text(address, port: Int(port)) }
}

/// One direction of a connection: bytes flow from `source` to `destination`.
public struct TCPFlowKey: Sendable, Hashable, CustomStringConvertible {
    public var source: TCPEndpoint
    public var destination: TCPEndpoint
    public init(source: TCPEndpoint, destination: TCPEndpoint) {
        self.source = source
        self.destination = destination
    }
    public var reversed: TCPFlowKey { TCPFlowKey(source: destination, destination: source) }
    public var description: String { "\(source) > \(destination)" }
}

/// The bytes one direction of one connection carried, in sequence order.
public struct TCPStream: Sendable, Hashable {
    public var key: TCPFlowKey
    /// Numbers connections in the order they appear, so a reused 4-tuple
    /// (a BGP session that reconnects) yields separate streams.
    public var connection: Int
    public var payload: ByteBuffer
    /// Whether the stream's start was seen (a SYN); otherwise the capture
    /// began mid-stream and `payload` starts at the first segment seen.
    public var sawSYN: Bool
    public var sawFIN: Bool
    public var sawRST: Bool
    /// Bytes still waiting behind a gap (lost before the capture saw them).
    public var pendingBytes: Int
}

/// Newly in-order bytes produced by one segment.
public struct TCPDelivery: Sendable, Hashable {
    public var key: TCPFlowKey
    public var connection: Int
    public var bytes: ByteBuffer
}

/// Reassembles TCP byte streams from captured segments, sans I/O: feed it
/// frames (or decoded segments) in capture order and read each direction's
/// bytes in sequence order. Retransmitted and duplicate bytes are dropped,
/// out-of-order segments are held until the gap fills.
public struct TCPReassembler: Sendable {
    fileprivate struct Direction: Sendable {
        var stream: TCPStream
        var nextSequence: UInt32?
        /// Out-of-order segments by sequence number.
        var pending: [UInt32: ByteBuffer] = [:]
    }

    /// Bound on bytes held behind gaps per direction, so a hostile capture
    /// cannot make the reassembler grow without limit.
    public var maximumPendingBytes: Int

    private var directions: [Direction] = []
    private var current: [TCPFlowKey: Int] = [:]
    private var connectionCount = 0

    public init(maximumPendingBytes: Int = 16 << 20) {
        self.maximumPendingBytes = maximumPendingBytes
    }

    /// Every direction of every connection seen, in order of first segment.
    public var streams: [TCPStream] { directions.map(\.stream) }

    /// Feeds one Ethernet frame; frames that are not TCP (or do not decode)
    /// are ignored. Returns the bytes this segment made available, if any.
    @discardableResult
    public mutating func add(frame: ByteBuffer) -> TCPDelivery? {
        guard let (source, destination, segment) = try? TCPReassembler.segment(inFrame: frame) else { return nil }
        return add(segment: segment, source: source, destination: destination)
    }

    /// Extracts the addresses and TCP segment of an Ethernet frame; nil when
    /// the frame is not TCP over IPv4/IPv6 (or is a non-initial fragment).
    public static func segment(inFrame frame: ByteBuffer) throws(PacketError) -> (IPAddress, IPAddress, TCPSegment)? {
        let ethernet = try EthernetFrame(decoding: frame)
        switch ethernet.etherType {
        case .ipv4:
            let ip = try IPv4Packet(decoding: ethernet.payload, at: ethernet.payloadOffset)
            guard ip.protocol == .tcp, !ip.isNonInitialFragment else { return nil }
            let tcp = try TCPSegment(decoding: ip.payload, at: ethernet.payloadOffset + ip.headerLength)
            return (.v4(ip.source), .v4(ip.destination), tcp)
        case .ipv6:
            let ip = try IPv6Packet(decoding: ethernet.payload, at: ethernet.payloadOffset)
            guard ip.upperLayerProtocol == .tcp, !ip.isNonInitialFragment else { return nil }
            let tcp = try TCPSegment(decoding: ip.payload, at: ethernet.payloadOffset + ip.payloadOffset)
            return (.v6(ip.source), .v6(ip.destination), tcp)
        default:
            return nil
        }
    }

    /// Feeds one decoded segment sent from `source` to `destination`.
    @discardableResult
    public mutating func add(segment: TCPSegment, source: IPAddress, destination: IPAddress) -> TCPDelivery? {
        let key = TCPFlowKey(source: TCPEndpoint(address: source, port: segment.sourcePort),
                             destination: TCPEndpoint(address: destination, port: segment.destinationPort))
        let isSYN = segment.flags.contains(.syn)
        var index = current[key]
        if isSYN, !segment.flags.contains(.ack), let i = index, directions[i].nextSequence != segment.sequenceNumber &+ 1 {
            // A fresh SYN on a used 4-tuple opens a new connection; forget both old directions.
            current[key] = nil
            current[key.reversed] = nil
            index = nil
        }
        let i: Int
        if let index {
            i = index
        } else {
            let connection = current[key.reversed].map { directions[$0].stream.connection } ?? newConnection()
            directions.append(Direction(stream: TCPStream(key: key, connection: connection, payload: ByteBuffer(),
                                                          sawSYN: false, sawFIN: false, sawRST: false, pendingBytes: 0)))
            i = directions.count - 1
            current[key] = i
        }
        return directions[i].accept(segment, maximumPendingBytes: maximumPendingBytes)
    }

    private mutating func newConnection() -> Int {
        connectionCount += 1
        return connectionCount - 1
    }
}

extension TCPReassembler.Direction {
    mutating func accept(_ segment: TCPSegment, maximumPendingBytes: Int) -> TCPDelivery? {
        var start = segment.sequenceNumber
        if segment.flags.contains(.syn) {
            stream.sawSYN = true
            start = start &+ 1
            if nextSequence == nil || stream.payload.readableBytes == 0 { nextSequence = start }
        }
        if segment.flags.contains(.fin) { stream.sawFIN = true }
        if segment.flags.contains(.rst) { stream.sawRST = true }
        guard segment.payload.readableBytes > 0 else { return nil }
        let expected = nextSequence ?? start
        if nextSequence == nil { nextSequence = start }

        let before = stream.payload.readableBytes
        let distance = Int32(bitPattern: start &- expected)
        if distance > 0 {
            let held = pending[start]?.readableBytes ?? 0
            if segment.payload.readableBytes > held,
               stream.pendingBytes - held + segment.payload.readableBytes <= maximumPendingBytes {
                pending[start] = segment.payload
                stream.pendingBytes += segment.payload.readableBytes - held
            }
            return nil
        }
        append(segment.payload, startingAt: start)
        drain()
        let delivered = stream.payload.readableBytes - before
        guard delivered > 0 else { return nil }
        return TCPDelivery(key: stream.key, connection: stream.connection,
                           bytes: stream.payload.getSlice(at: stream.payload.readerIndex + before, length: delivered) ?? ByteBuffer())
    }

    /// Appends the part of `bytes` (starting at sequence `start`) that lies
    /// at or after `nextSequence`; the part before it is a retransmission.
    private mutating func append(_ bytes: ByteBuffer, startingAt start: UInt32) {
        guard let next = nextSequence else { return }
        let behind = Int(Int32(bitPattern: next &- start))
        guard behind >= 0, behind < bytes.readableBytes else { return }
        var fresh = bytes.getSlice(at: bytes.readerIndex + behind, length: bytes.readableBytes - behind) ?? ByteBuffer()
        stream.payload.writeBuffer(&fresh)
        nextSequence = next &+ UInt32(truncatingIfNeeded: bytes.readableBytes - behind)
    }

    /// Moves held segments that now touch the stream's end into it.
    private mutating func drain() {
        var progressed = true
        while progressed, !pending.isEmpty, let next = nextSequence {
            // The usual case, a segment starting exactly where the stream ends, without a scan.
            if let exact = pending.removeValue(forKey: next) {
                stream.pendingBytes -= exact.readableBytes
                append(exact, startingAt: next)
                continue
            }
            progressed = false
            for (start, bytes) in pending where Int32(bitPattern: start &- next) <= 0 {
                pending[start] = nil
                stream.pendingBytes -= bytes.readableBytes
                append(bytes, startingAt: start)
                progressed = true
                break
            }
        }
    }
}
