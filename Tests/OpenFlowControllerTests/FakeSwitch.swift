#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import OpenFlow

/// A raw TCP peer on loopback, with blocking POSIX calls on its own thread:
/// either a well-behaved switch (answers the handshake, echoes, barriers,
/// empty stats) or a source of whatever bytes a test wants to send.
final class FakePeer: @unchecked Sendable {
    // The fd is written once in init; reads are the owning thread's, writes are locked.
    let fd: Int32
    /// Whole messages even when a test thread writes beside the serving one.
    private let writeLock = NIOLock()

    init(port: Int) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        fd = try Self.connected(AF_INET, to: &address)
    }

    /// A peer on a unix domain socket, as OVS with `set-controller BR unix:PATH`.
    init(unixPath: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in unixPath.utf8.prefix(107).enumerated() { raw[i] = b } }
        fd = try Self.connected(AF_UNIX, to: &address)
    }

    private static func connected<Address>(_ family: Int32, to address: inout Address) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(errno)") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
        guard connected == 0 else { close(fd); throw Failure("connect: \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    deinit { close(fd) }

    func write(_ buffer: ByteBuffer) {
        let bytes = Array(buffer.readableBytesView)
        writeLock.withLock {
            var sent = 0
            while sent < bytes.count {
                let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return }
                sent += n
            }
        }
    }

    /// Reads until `deadline`; returns what came and whether the peer closed.
    func read(until deadline: Date, stopWhen done: (ByteBuffer) -> Bool = { _ in false }) -> (ByteBuffer, closed: Bool) {
        var received = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (received, true) }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return (received, true)
            }
            received.writeBytes(chunk[0..<n])
            if done(received) { break }
        }
        return (received, false)
    }

    /// Messages in `bytes`, as far as they decode.
    static func messages(_ bytes: ByteBuffer) -> [OpenFlowEnvelope] {
        var decoder = OpenFlowMessageDecoder()
        decoder.append(bytes)
        var out: [OpenFlowEnvelope] = []
        while let message = try? decoder.nextMessage() { out.append(message) }
        return out
    }

    /// Plays a well-behaved 1.3 switch until `stop` says so or the controller
    /// closes; `received` sees every message the controller sent, and a
    /// message `answers` returns true for is left to it to answer (on this peer).
    func serveAsSwitch(datapathID: DatapathID, received: @Sendable (OpenFlowEnvelope) -> Void = { _ in },
                       answers: @Sendable (OpenFlowEnvelope, FakePeer) -> Bool = { _, _ in false },
                       stop: @escaping @Sendable () -> Bool) {
        write(Wire.message(type: 0, xid: 1))
        var decoder = OpenFlowMessageDecoder()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !stop() {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return }
            if n < 0 { if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue } else { return } }
            decoder.append(ByteBuffer(bytes: chunk[0..<n]))
            while let message = try? decoder.nextMessage() {
                received(message)
                if answers(message, self) { continue }
                switch message.message {
                case .featuresRequest:
                    write(Wire.message(type: 6, xid: message.xid, body: Wire.featuresBody(dpid: datapathID)))
                case let .multipartRequest(request) where request.type == 13:
                    write(Wire.message(type: 19, xid: message.xid, body: Wire.portDescReply(more: false, ports: [Wire.port(1, name: "p1")])))
                case let .multipartRequest(request) where request.type == 1:
                    write(Wire.message(type: 19, xid: message.xid, body: "0001 0000 00000000"))
                case .barrierRequest:
                    write(Wire.message(type: 21, xid: message.xid))
                case .echoRequest:
                    write(Wire.message(type: 3, xid: message.xid))
                case .experimenter:
                    // A switch without bundles (or any experimenter extension):
                    // OFPET_BAD_REQUEST / OFPBRC_BAD_EXPERIMENTER.
                    write(Wire.message(type: 1, xid: message.xid, body: "0001 0003"))
                default:
                    break
                }
            }
        }
    }
}
