#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A listening TCP socket that lives in another network namespace.
///
/// Why this way: OVS runs in its own namespace (see ovs-sandbox) and connects
/// to 127.0.0.1 there. A socket belongs to the namespace of the thread that
/// created it, so a short-lived thread enters the namespace (setns), makes
/// and binds the socket, and ends; the controller in this process then
/// serves it through `start(boundSocket:)` like any other listener. No veth,
/// no second process, nothing else in the test process changes namespace.
enum NetworkNamespace {
    private typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    private static let cloneNewNet: Int32 = 0x4000_0000

    static func listeningSocket(netns: String, port: UInt16) throws -> Int32 {
        let result = ResultBox()
        let thread = Thread {
            result.value = Result { try makeSocket(netns: netns, port: port) }
            result.done.signal()
        }
        thread.start()
        result.done.wait()
        return try result.value?.get() ?? { throw Failure("no result") }()
    }

    private static func makeSocket(netns: String, port: UInt16) throws -> Int32 {
        guard let setns = dlsym(dlopen(nil, RTLD_NOW), "setns").map({ unsafeBitCast($0, to: SetNS.self) }) else {
            throw Failure("setns not found in libc")
        }
        let nsfd = open("/var/run/netns/\(netns)", O_RDONLY | O_CLOEXEC)
        guard nsfd >= 0 else { throw Failure("open netns \(netns): errno \(errno)") }
        defer { close(nsfd) }
        // This thread only: it ends right after, the socket stays in the namespace.
        guard setns(nsfd, cloneNewNet) == 0 else { throw Failure("setns \(netns): errno \(errno)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port.bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let error = errno
            close(fd)
            throw Failure("bind/listen 127.0.0.1:\(port) in \(netns): errno \(error)")
        }
        return fd
    }

    private final class ResultBox: @unchecked Sendable {
        // Written by the thread before signal, read after wait: the semaphore orders them.
        var value: Result<Int32, any Error>?
        let done = DispatchSemaphore(value: 0)
    }
}
