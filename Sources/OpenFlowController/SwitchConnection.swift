import NIOCore
import OpenFlow

/// One switch's OpenFlow 1.3 session, sans-I/O: fed with received bytes and
/// the time, it returns messages to send, events, finished requests and when
/// to close. The NIO handler only moves bytes; tests drive it directly.
public struct SwitchConnection: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// SET_CONFIG miss_send_len: 0xffff sends whole packets (OVS never buffers).
        public var missSendLength: UInt16 = 0xffff
        /// Idle time after which we send an ECHO_REQUEST.
        public var echoInterval: TimeAmount = .seconds(5)
        /// Time without any message after our ECHO_REQUEST before the switch counts as dead.
        public var echoTimeout: TimeAmount = .seconds(10)
        public var handshakeTimeout: TimeAmount = .seconds(10)
        /// OFPCR_ROLE_* to request after FEATURES, or nil to leave the role alone.
        public var role: UInt32? = nil
        public var generationID: UInt64 = 0
        /// The most bytes of one multipart reply kept while its parts arrive
        /// (a flow dump of about 400,000 flows); a switch that sends more
        /// gets OFPBRC_MULTIPART_BUFFER_OVERFLOW and is closed.
        public var maximumMultipartReplyBytes = 64 << 20

        public init() {}
    }

    public enum State: Sendable, Hashable {
        case idle, awaitingHello, awaitingFeatures, configuring, ready, closed
    }

    /// What a pending xid waits for.
    private enum Pending: Sendable {
        /// A request whose reply (all parts of a multipart) goes to the caller.
        case request(parts: [OpenFlowMessage])
        /// A message of a batch: its ERROR is kept for the batch's barrier.
        case batchMember(barrier: UInt32, index: Int)
        /// The barrier closing a batch: its members (forgotten with it, since
        /// a FLOW_MOD that worked gets no reply) and the ERRORs they got.
        case barrier(members: [UInt32], errors: [BatchMemberError])
        case features
        case portDescription(parts: [PortDescription])
        case role
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    public private(set) var features: SwitchFeatures?
    public private(set) var ports: [UInt32: PortDescription] = [:]

    /// The one OpenFlow framing: whole messages out of the byte stream.
    private var framer = OpenFlowMessageDecoder()
    private var nextXID: UInt32 = 1
    private var nextBundleID: UInt32 = 1
    private var pending: [UInt32: Pending] = [:]
    /// Bytes of each multipart reply received so far, while it has more parts to come.
    private var multipartBytes: [UInt32: Int] = [:]
    private var startedAt = NIODeadline.uptimeNanoseconds(0)
    private var lastReceived = NIODeadline.uptimeNanoseconds(0)
    private var echoSentAt: NIODeadline?

    /// Reserved for the handshake and keepalive so they are easy to spot in captures.
    public static let handshakeXIDBase: UInt32 = 0xf000_0000

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var datapathID: DatapathID? { features?.datapathID }
    public var pendingRequests: Int { pending.count }

    // MARK: driving

    /// The connection is open: say HELLO with a 1.3-only version bitmap.
    public mutating func start(now: NIODeadline) -> [SwitchConnectionOutput] {
        guard state == .idle else { return [] }
        state = .awaitingHello
        startedAt = now
        lastReceived = now
        return [.send(OpenFlowEnvelope(xid: allocateXID(), .hello(Hello(versions: [OpenFlowEnvelope.version13]))))]
    }

    /// Bytes from the socket, in any chunking.
    public mutating func receive(_ bytes: ByteBuffer, now: NIODeadline) -> [SwitchConnectionOutput] {
        var out: [SwitchConnectionOutput] = []
        receive(bytes, now: now, into: &out)
        return out
    }

    /// Bytes from the socket, outputs appended to `out`: the channel handler
    /// reuses one array for every read instead of allocating per read.
    public mutating func receive(_ bytes: ByteBuffer, now: NIODeadline, into out: inout [SwitchConnectionOutput]) {
        guard state != .closed else { return }
        framer.append(bytes)
        lastReceived = now
        echoSentAt = nil
        while state != .closed {
            let frame: ByteBuffer
            do throws(OpenFlowDecodingError) {
                guard let next = try framer.nextFrame() else { break }
                frame = next
            } catch {
                // No way to find where the next message starts: answer the
                // offending header (offsets from its message, not the stream).
                let offending = framer.pendingPrefix(64)
                guard let header = OpenFlowHeader.peek(offending) else { break }
                out += fail(.unframeable(error.shifted(by: -framer.consumed)), error: errorReply(.badRequest(.badLength), header, offending))
                break
            }
            guard let header = OpenFlowHeader.peek(frame) else { break }
            handle(frame: frame, header: header, into: &out)
        }
    }

    /// Time passes: keepalive and handshake deadline.
    public mutating func tick(now: NIODeadline) -> [SwitchConnectionOutput] {
        switch state {
        case .idle, .closed:
            return []
        case .awaitingHello, .awaitingFeatures, .configuring:
            if now - startedAt > configuration.handshakeTimeout { return fail(.handshakeTimeout) }
        case .ready:
            break
        }
        if let sent = echoSentAt {
            if now - sent > configuration.echoTimeout { return fail(.echoTimeout) }
            return []
        }
        guard state != .awaitingHello, now - lastReceived >= configuration.echoInterval else { return [] }
        echoSentAt = now
        return [.send(OpenFlowEnvelope(xid: allocateXID(handshake: true), .echoRequest(ByteBuffer())))]
    }

    /// The socket closed under us: fail what is pending.
    public mutating func peerClosed() -> [SwitchConnectionOutput] {
        guard state != .closed else { return [] }
        return fail(.peerClosed)
    }

    /// We are closing (controller stop): fail what is pending.
    public mutating func close(_ reason: SwitchCloseReason) -> [SwitchConnectionOutput] {
        guard state != .closed else { return [] }
        return fail(reason)
    }

    // MARK: requests

    /// Sends a message that expects a reply (multipart parts are gathered);
    /// the reply or ERROR comes back as `.completed(xid:)`.
    public mutating func request(_ message: OpenFlowMessage) -> (xid: UInt32, [SwitchConnectionOutput]) {
        let xid = allocateXID()
        guard state == .ready else { return (xid, [.completed(xid: xid, .failure(.notConnected))]) }
        pending[xid] = .request(parts: [])
        return (xid, [.send(OpenFlowEnvelope(xid: xid, message))])
    }

    /// Sends messages that have no reply (FLOW_MODs...) followed by a BARRIER;
    /// `.completed(xid: barrier)` says all were applied, or which ERRORs they got.
    public mutating func batch(_ messages: [OpenFlowMessage]) -> (barrier: UInt32, [SwitchConnectionOutput]) {
        var ids: [UInt32] = []
        for _ in messages { ids.append(allocateXID()) }
        let barrier = allocateXID()
        guard state == .ready else { return (barrier, [.completed(xid: barrier, .failure(.notConnected))]) }
        var out: [SwitchConnectionOutput] = []
        for (index, (xid, message)) in zip(ids, messages).enumerated() {
            pending[xid] = .batchMember(barrier: barrier, index: index)
            out.append(.send(OpenFlowEnvelope(xid: xid, message)))
        }
        pending[barrier] = .barrier(members: ids, errors: [])
        out.append(.send(OpenFlowEnvelope(xid: barrier, .barrierRequest)))
        return (barrier, out)
    }

    /// `batch`, as one bundle (ONF extension 230, the OpenFlow 1.4 bundle
    /// on 1.3): OPEN, the messages added, COMMIT, then a BARRIER. The switch
    /// applies all of them or none: an ERROR on any part (the switch does
    /// not know bundles, a message is refused, the commit fails) completes
    /// the barrier with `.batchRejected`, and the tables are as before.
    /// Nil when a message cannot be carried in a bundle (it would not fit
    /// the 16-bit length once wrapped): send the batch plainly.
    public mutating func bundledBatch(_ messages: [OpenFlowMessage]) -> (barrier: UInt32, [SwitchConnectionOutput])? {
        let bundleID = nextBundleID
        nextBundleID &+= 1
        let open = allocateXID()
        var adds: [(xid: UInt32, ExperimenterMessage)] = []
        adds.reserveCapacity(messages.count)
        for message in messages {
            let xid = allocateXID()
            guard let add = try? BundleAdd(bundleID: bundleID, message: message).experimenter(xid: xid) else { return nil }
            adds.append((xid, add))
        }
        let commit = allocateXID()
        let barrier = allocateXID()
        guard state == .ready else { return (barrier, [.completed(xid: barrier, .failure(.notConnected))]) }
        var out: [SwitchConnectionOutput] = []
        out.reserveCapacity(adds.count + 3)
        pending[open] = .batchMember(barrier: barrier, index: -1)
        out.append(.send(OpenFlowEnvelope(xid: open, .experimenter(BundleControl(bundleID: bundleID, type: .openRequest).experimenter))))
        for (index, (xid, add)) in adds.enumerated() {
            pending[xid] = .batchMember(barrier: barrier, index: index)
            out.append(.send(OpenFlowEnvelope(xid: xid, .experimenter(add))))
        }
        pending[commit] = .batchMember(barrier: barrier, index: messages.count)
        out.append(.send(OpenFlowEnvelope(xid: commit, .experimenter(BundleControl(bundleID: bundleID, type: .commitRequest).experimenter))))
        pending[barrier] = .barrier(members: [open] + adds.map(\.xid) + [commit], errors: [])
        out.append(.send(OpenFlowEnvelope(xid: barrier, .barrierRequest)))
        return (barrier, out)
    }

    /// A message with no reply and no tracking (PACKET_OUT).
    public mutating func send(_ message: OpenFlowMessage) -> [SwitchConnectionOutput] {
        var out: [SwitchConnectionOutput] = []
        send(message, into: &out)
        return out
    }

    /// `send`, appending to `out`.
    public mutating func send(_ message: OpenFlowMessage, into out: inout [SwitchConnectionOutput]) {
        if let envelope = outgoing(message) { out.append(.send(envelope)) }
    }

    /// The envelope `send` would output (the message with the next xid), or
    /// nil before the handshake is done: for callers that encode it at once,
    /// such as packet-in answers.
    public mutating func outgoing(_ message: OpenFlowMessage) -> OpenFlowEnvelope? {
        guard state == .ready else { return nil }
        return OpenFlowEnvelope(xid: allocateXID(), message)
    }

    // MARK: internals

    private mutating func allocateXID(handshake: Bool = false) -> UInt32 {
        defer { nextXID = nextXID == Self.handshakeXIDBase &- 1 ? 1 : nextXID &+ 1 }
        // Handshake xids live in the top range, ordinary ones wrap below it.
        return handshake ? Self.handshakeXIDBase | (nextXID & 0x0fff_ffff) : nextXID
    }

    private func errorReply(_ error: OpenFlowErrorCode, _ header: OpenFlowHeader, _ offending: ByteBuffer) -> OpenFlowEnvelope {
        var data = offending
        if data.readableBytes > 64 { data = data.getSlice(at: data.readerIndex, length: 64) ?? data }
        let version = state == .awaitingHello ? min(header.version, OpenFlowEnvelope.version13) : OpenFlowEnvelope.version13
        return OpenFlowEnvelope(version: version, xid: header.xid, .error(ErrorMessage(error, data: data)))
    }

    private mutating func fail(_ reason: SwitchCloseReason, error: OpenFlowEnvelope? = nil) -> [SwitchConnectionOutput] {
        state = .closed
        var out: [SwitchConnectionOutput] = []
        if let error { out.append(.send(error)) }
        for (xid, waiting) in pending.sorted(by: { $0.key < $1.key }) {
            switch waiting {
            case .request, .barrier: out.append(.completed(xid: xid, .failure(.disconnected(reason.description))))
            case .batchMember, .features, .portDescription, .role: break
            }
        }
        pending.removeAll()
        multipartBytes.removeAll()
        out.append(.close(reason))
        return out
    }

    private mutating func handle(frame: ByteBuffer, header: OpenFlowHeader, into out: inout [SwitchConnectionOutput]) {
        // What an ERROR quotes: at most 64 bytes of the message.
        var offending: ByteBuffer { frame.getSlice(at: frame.readerIndex, length: min(frame.readableBytes, 64)) ?? frame }
        if state == .awaitingHello {
            return out += handleHello(frame: frame, header: header, offending: offending)
        }
        guard header.version == OpenFlowEnvelope.version13 else {
            out.append(.send(errorReply(.badRequest(.badVersion), header, offending)))
            out.append(.event(.rejected("message type \(header.type) with version \(header.version) after settling on 1.3")))
            return
        }
        let envelope: OpenFlowEnvelope
        do {
            envelope = try OpenFlowEnvelope.decode(frame)
        } catch {
            switch error.reason {
            case .truncated, .badLength:
                out.append(.send(errorReply(.badRequest(.badLength), header, offending)))
            case .badValue:
                break
            }
            out.append(.event(.rejected("\(OpenFlowMessage.typeName(header.type)) xid=\(header.xid): \(error)")))
            return
        }
        // The busiest message goes straight to the output, without an array of its own.
        if case let .packetIn(packetIn) = envelope.message {
            if state == .ready { out.append(.event(.packetIn(packetIn))) }
            return
        }
        out += handle(envelope, offending: offending, header: header)
    }

    private mutating func handleHello(frame: ByteBuffer, header: OpenFlowHeader, offending: ByteBuffer) -> [SwitchConnectionOutput] {
        guard header.type == MessageType.hello.rawValue else {
            return fail(.protocolViolation("\(OpenFlowMessage.typeName(header.type)) before HELLO"),
                        error: errorReply(.helloFailed(.incompatible), header, offending))
        }
        let hello: Hello
        do {
            guard case let .hello(decoded) = try OpenFlowEnvelope.decode(frame).message else {
                return fail(.protocolViolation("undecodable HELLO"))
            }
            hello = decoded
        } catch {
            return fail(.protocolViolation("HELLO: \(error)"),
                        error: errorReply(.badRequest(.badLength), header, offending))
        }
        // With a bitmap, the common versions are the intersection; without
        // one, the lower of the two header versions (OpenFlow 1.3 §6.3.1).
        let offered = hello.versions ?? [header.version]
        let compatible = hello.versions.map { $0.contains(OpenFlowEnvelope.version13) }
            ?? (header.version >= OpenFlowEnvelope.version13)
        guard compatible else {
            var text = ByteBuffer()
            text.writeString("swiftplane speaks OpenFlow 1.3 (wire version 4) only")
            let error = OpenFlowEnvelope(version: min(header.version, OpenFlowEnvelope.version13), xid: header.xid,
                                         .error(ErrorMessage(.helloFailed(.incompatible), data: text)))
            return fail(.incompatibleVersion(peerVersions: offered), error: error)
        }
        state = .awaitingFeatures
        let xid = allocateXID(handshake: true)
        pending[xid] = .features
        return [.send(OpenFlowEnvelope(xid: xid, .featuresRequest))]
    }

    private mutating func handle(_ envelope: OpenFlowEnvelope, offending: ByteBuffer, header: OpenFlowHeader) -> [SwitchConnectionOutput] {
        let xid = envelope.xid
        switch envelope.message {
        case let .echoRequest(data):
            return [.send(OpenFlowEnvelope(xid: xid, .echoReply(data)))]
        case .echoReply where pending[xid] != nil:
            return handleReply(envelope.message, xid: xid)  // an echo the application asked for
        case .echoReply, .hello:
            return []
        case .packetIn:
            return []  // handled in handle(frame:header:into:)
        case let .portStatus(status):
            if status.reason == .delete { ports[status.port.portNo] = nil } else { ports[status.port.portNo] = status.port }
            return state == .ready ? [.event(.portStatus(status))] : []
        case let .flowRemoved(removed):
            return [.event(.flowRemoved(removed))]
        case let .error(error):
            return handleError(error, xid: xid)
        case .unknown:
            return [.send(errorReply(.badRequest(.badType), header, offending)),
                    .event(.rejected("unknown message type \(header.type)"))]
        case let .multipartReply(reply):
            guard reply.flags & MultipartReply.replyMore != 0 else {
                multipartBytes[xid] = nil
                return handleReply(envelope.message, xid: xid)
            }
            let bytes = (multipartBytes[xid] ?? 0) + Int(header.length)
            guard bytes <= configuration.maximumMultipartReplyBytes else {
                return fail(.protocolViolation("multipart reply xid=\(xid) passed \(configuration.maximumMultipartReplyBytes) bytes"),
                            error: errorReply(.badRequest(.multipartBufferOverflow), header, offending))
            }
            let out = handleReply(envelope.message, xid: xid)
            multipartBytes[xid] = pending[xid] == nil ? nil : bytes
            return out
        default:
            return handleReply(envelope.message, xid: xid)
        }
    }

    private mutating func handleError(_ error: ErrorMessage, xid: UInt32) -> [SwitchConnectionOutput] {
        multipartBytes[xid] = nil
        guard let waiting = pending[xid] else { return [.event(.unsolicitedError(error, xid: xid))] }
        switch waiting {
        case .request:
            pending[xid] = nil
            return [.completed(xid: xid, .failure(.rejected(error)))]
        case let .batchMember(barrier, index):
            pending[xid] = nil
            if case .barrier(let members, var errors) = pending[barrier] {
                errors.append(BatchMemberError(index: index, error: error))
                pending[barrier] = .barrier(members: members, errors: errors)
            }
            return []
        case let .barrier(members, _):
            pending[xid] = nil
            for member in members { pending[member] = nil }
            return [.completed(xid: xid, .failure(.rejected(error)))]
        case .features:
            return fail(.handshakeFailed("FEATURES_REQUEST refused: \(error.name)"))
        case .portDescription:
            return fail(.handshakeFailed("PORT_DESC refused: \(error.name)"))
        case .role:
            return fail(.handshakeFailed("ROLE_REQUEST refused: \(error.name)"))
        }
    }

    private mutating func handleReply(_ message: OpenFlowMessage, xid: UInt32) -> [SwitchConnectionOutput] {
        guard let waiting = pending[xid] else {
            return [.event(.rejected("unexpected \(message.typeName) xid=\(xid)"))]
        }
        switch (waiting, message) {
        case (.features, let .featuresReply(features)):
            pending[xid] = nil
            self.features = features
            state = .configuring
            var out: [SwitchConnectionOutput] = [
                .send(OpenFlowEnvelope(xid: allocateXID(handshake: true),
                                       .setConfig(SwitchConfig(missSendLength: configuration.missSendLength)))),
            ]
            let portsXID = allocateXID(handshake: true)
            pending[portsXID] = .portDescription(parts: [])
            out.append(.send(OpenFlowEnvelope(xid: portsXID, .multipartRequest(MultipartRequest(.portDesc)))))
            if let role = configuration.role {
                let roleXID = allocateXID(handshake: true)
                pending[roleXID] = .role
                out.append(.send(OpenFlowEnvelope(xid: roleXID, .roleRequest(RoleMessage(role: role, generationID: configuration.generationID)))))
            }
            return out
        case (let .portDescription(parts), let .multipartReply(reply)):
            guard case let .portDesc(more) = reply.body else { break }
            if reply.flags & MultipartReply.replyMore != 0 {
                pending[xid] = .portDescription(parts: parts + more)
                return []
            }
            pending[xid] = nil
            for port in parts + more { ports[port.portNo] = port }
            return becomeReadyIfDone()
        case (.role, .roleReply):
            pending[xid] = nil
            return becomeReadyIfDone()
        case (let .request(parts), let .multipartReply(reply)):
            if reply.flags & MultipartReply.replyMore != 0 {
                pending[xid] = .request(parts: parts + [message])
                return []
            }
            pending[xid] = nil
            return [.completed(xid: xid, .success(parts + [message]))]
        case (.request, _):
            pending[xid] = nil
            return [.completed(xid: xid, .success([message]))]
        case (.batchMember, let .experimenter(reply)):
            // A bundle's OPEN_REPLY or COMMIT_REPLY: that part went through;
            // the barrier after it reports the batch.
            guard let control = try? BundleControl(reply), control.type == .openReply || control.type == .commitReply else { break }
            pending[xid] = nil
            return []
        case (let .barrier(members, errors), .barrierReply):
            pending[xid] = nil
            for member in members { pending[member] = nil }
            return [.completed(xid: xid, errors.isEmpty ? .success([message]) : .failure(.batchRejected(errors)))]
        default:
            break
        }
        return [.event(.rejected("\(message.typeName) xid=\(xid) does not answer what we asked"))]
    }

    private mutating func becomeReadyIfDone() -> [SwitchConnectionOutput] {
        guard state == .configuring, let features else { return [] }
        for waiting in pending.values {
            switch waiting {
            case .portDescription, .role: return []
            default: continue
            }
        }
        state = .ready
        return [.event(.ready(features, ports: ports.values.sorted { $0.portNo < $1.portNo }))]
    }
}
