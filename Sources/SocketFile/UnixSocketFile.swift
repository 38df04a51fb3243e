#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a listening unix domain socket lives in, handled as an operator
/// expects of a daemon: a file left by a killed run is replaced, a live one or
/// anything that is not a socket is refused, the mode is set right after
/// bind, and only our own file (same inode) is removed at stop.
public struct UnixSocketFile: Hashable, Sendable {
    /// sockaddr_un's sun_path holds 108 bytes including the terminating zero.
    public static let maximumPathBytes = 107

    public let path: String

    /// Checks that the path can be bound at all (not empty, fits sun_path).
    public init(path: String) throws(UnixSocketFileError) {
        self.path = path
        guard !path.isEmpty else { throw UnixSocketFileError(path: path, reason: "empty socket path") }
        let bytes = path.utf8.count
        guard bytes <= Self.maximumPathBytes else {
            throw UnixSocketFileError(path: path, reason: "socket path is \(bytes) bytes, longer than \(Self.maximumPathBytes) (the sun_path limit)")
        }
    }

    /// Before bind: makes the folder, and clears the path when it holds a
    /// socket nobody answers on (a daemon killed with -9 leaves one behind).
    public func prepare() throws(UnixSocketFileError) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let folder = String(path[..<slash])
            if mkdir(folder, 0o755) != 0, errno != EEXIST {
                throw UnixSocketFileError(path: path, reason: "cannot make the folder \(folder): \(Self.lastError())")
            }
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard st.st_mode & S_IFMT == S_IFSOCK else {
            throw UnixSocketFileError(path: path, reason: "the path exists and is not a socket; not replacing it")
        }
        if Self.canConnect(path) {
            throw UnixSocketFileError(path: path, reason: "another process is serving on this socket")
        }
        guard unlink(path) == 0 else {
            throw UnixSocketFileError(path: path, reason: "cannot remove the stale socket: \(Self.lastError())")
        }
    }

    /// After bind: gives the file `mode` and returns its inode, which
    /// `remove(inode:)` wants.
    public func setMode(_ mode: mode_t) throws(UnixSocketFileError) -> ino_t {
        guard chmod(path, mode) == 0 else {
            throw UnixSocketFileError(path: path, reason: "chmod \(String(mode, radix: 8)): \(Self.lastError())")
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw UnixSocketFileError(path: path, reason: "stat: \(Self.lastError())") }
        return st.st_ino
    }

    /// Removes the file if it is still the one we bound: a successor that
    /// already replaced it keeps its own.
    public func remove(inode: ino_t) {
        var st = stat()
        if stat(path, &st) == 0, st.st_ino == inode { unlink(path) }
    }

    /// True when something accepts connections on the socket at `path`.
    public static func canConnect(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var sun = address(path)
        return withUnsafePointer(to: &sun) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

    /// The socket address of `path`; a path longer than sun_path is cut (and
    /// then fails to connect), so callers check it with `init(path:)` first.
    public static func address(_ path: String) -> sockaddr_un {
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8.prefix(maximumPathBytes))
        withUnsafeMutableBytes(of: &sun.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return sun
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Why a socket file cannot be used, with its path.
public struct UnixSocketFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
