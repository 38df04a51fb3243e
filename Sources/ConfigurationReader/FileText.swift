import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading the configuration file, and quoting its text in errors.
public enum FileText {
    /// The file as UTF-8 text, or the reason in the operator's words:
    /// "no such file", "permission denied", "is a directory", "not UTF-8 text".
    public static func read(_ path: String) -> Result<String, FileTextError> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(FileTextError(reason: reason(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileTextError(reason: reason(errno)))
            }
            if n == 0 { break }
            bytes += chunk.prefix(n)
            // A configuration is small; a huge file (or /dev/zero) is refused, not read into memory.
            if bytes.count > 16 << 20 { return .failure(FileTextError(reason: "larger than 16 MiB")) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(FileTextError(reason: "not UTF-8 text")) }
        return .success(text)
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES, EPERM: "permission denied"
        case EISDIR: "is a directory"
        default: String(cString: strerror(code)).lowercased()
        }
    }

    /// `text` fit to quote in an error: at most `limit` characters, each
    /// control or non-ASCII character escaped (a terminal never sees raw
    /// bytes from the file), "..." when cut.
    public static func quoted(_ text: some StringProtocol, limit: Int = 40) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { return out + "..." }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
            count += 1
        }
        return out
    }
}

public struct FileTextError: Error {
    public var reason: String
}
