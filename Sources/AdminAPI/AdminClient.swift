import Foundation
import SocketFile

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The admin API's client for `swiftplanectl`: plain blocking POSIX sockets,
/// one request per connection (the server closes after answering).
public struct AdminClient: Sendable {
    public var address: AdminAddress
    /// Seconds to wait for the daemon at each read or write.
    public var timeout: Int

    public init(address: AdminAddress, timeout: Int = 15) {
        self.address = address
        self.timeout = timeout
    }

    /// GETs `target` (path and query); a non-2xx answer throws `.daemon`
    /// with the daemon's own error message.
    public func get(_ target: String) throws(AdminClientError) -> HTTPResponse {
        try perform("GET", target)
    }

    /// POSTs `target` (an action; the query carries its arguments, no body).
    public func post(_ target: String) throws(AdminClientError) -> HTTPResponse {
        try perform("POST", target)
    }

    private func perform(_ method: String, _ target: String) throws(AdminClientError) -> HTTPResponse {
        let request = "\(method) \(target) HTTP/1.1\r\nHost: swiftplane\r\nAccept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        let response = try exchange(Array(request.utf8))
        guard (200..<300).contains(response.status) else {
            let message = (try? JSONDecoder().decode(AdminErrorBody.self, from: Data(response.body)))?.error
                ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .daemon(status: response.status, message: message)
        }
        return response
    }

    /// Sends `request` as it is and reads the response until the daemon
    /// closes (also what a test uses to send a malformed request).
    public func exchange(_ request: [UInt8]) throws(AdminClientError) -> HTTPResponse {
        let fd = try dial()
        defer { close(fd) }
        var bytes = request[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .io(address, "send: \(Self.lastError())") }
            bytes = bytes.dropFirst(n)
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else {
                if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    throw .io(address, "no answer within \(timeout) s (a large table takes longer: --timeout)")
                }
                throw .io(address, "receive: \(Self.lastError())")
            }
            received += chunk[0..<n]
        }
        do { return try HTTPResponse(parsing: received) } catch { throw .malformed(address, error) }
    }

    /// GETs `target` and decodes its JSON body.
    public func get<T: Decodable>(_ target: String, as type: T.Type) throws(AdminClientError) -> T {
        let response = try get(target)
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw .undecodable(target: target, reason: "\(error)")
        }
    }

    private func dial() throws(AdminClientError) -> Int32 {
        switch address {
        case let .unix(path):
            var sun = UnixSocketFile.address(path)
            return try connected(AF_UNIX, to: &sun)
        case let .tcp(host, port):
            var v4 = sockaddr_in(), v6 = sockaddr_in6()
            if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
                v4.sin_family = sa_family_t(AF_INET)
                v4.sin_port = in_port_t(UInt16(port).bigEndian)
                return try connected(AF_INET, to: &v4)
            }
            guard inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 else { throw .unreachable(address, "not an IP address literal") }
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            return try connected(AF_INET6, to: &v6)
        }
    }

    /// A stream socket of `family`, its timeouts set, connected to
    /// `socketAddress` (a `sockaddr_un`, `sockaddr_in` or `sockaddr_in6`).
    private func connected<SocketAddress>(_ family: Int32, to socketAddress: inout SocketAddress) throws(AdminClientError) -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .io(address, "socket: \(Self.lastError())") }
        setTimeouts(fd)
        let r = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<SocketAddress>.size)) }
        }
        guard r == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw .unreachable(address, reason)
        }
        return fd
    }

    private func setTimeouts(_ fd: Int32) {
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Why a request to a daemon failed.
public enum AdminClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing answers at the address (not running, wrong --socket, no permission).
    case unreachable(AdminAddress, String)
    case io(AdminAddress, String)
    case malformed(AdminAddress, HTTPResponseError)
    /// The daemon answered with an error status and message.
    case daemon(status: Int, message: String)
    case undecodable(target: String, reason: String)

    public var description: String {
        switch self {
        case let .unreachable(address, reason): "cannot reach the daemon at \(address): \(reason)"
        case let .io(address, reason): "talking to the daemon at \(address): \(reason)"
        case let .malformed(address, error): "the daemon at \(address) answered with a malformed response: \(error)"
        case let .daemon(status, message): "the daemon answered \(status): \(message)"
        case let .undecodable(target, reason): "the answer to \(target) is not what was expected: \(reason)"
        }
    }
}
