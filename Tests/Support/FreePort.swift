import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that nothing uses right now, from the kernel
/// (bind to port 0, read it back, close). A random pick from the ephemeral
/// range can collide with the thousands of client ports that the attack and
/// flap tests leave behind, and a daemon then fails to listen.
public func freeLoopbackPort() -> Int {
    guard let (fd, port) = boundLoopbackSocket() else { return Int.random(in: 20000...29999) }
    close(fd)
    return port
}

/// A socket of `type` (SOCK_STREAM, SOCK_DGRAM) bound to 127.0.0.1 on a port
/// the kernel picked, and that port; nil when it cannot be made. While the
/// caller holds it open no other socket has the port: a test that only needs
/// a destination nobody else uses (a UDP port it captures) keeps it to the end.
public func boundLoopbackSocket(_ type: Int32 = Int32(SOCK_STREAM.rawValue)) -> (fd: Int32, port: Int)? {
    let fd = socket(AF_INET, type, 0)
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        return nil
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
