import Foundation

/// A process's memory as Linux's /proc/PID/status reports it.
enum ProcessStatus {
    /// A field given in kB (`VmRSS:`, `VmHWM:`), in bytes; nil when /proc does not say.
    static func bytes(pid: Int32, _ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kB = Int(fields[1]) { return kB * 1024 }
        }
        return nil
    }
}
