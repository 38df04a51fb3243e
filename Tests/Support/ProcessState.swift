import Foundation

/// Whether a process still runs, from /proc. Linux only, like the sandboxes.
public enum ProcessState {
    /// True while `pid` exists and is not a zombie: a killed process can stay
    /// a zombie for a while until its parent reaps it, yet it holds nothing.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        // Fields after the parenthesised command name: " S ppid ...".
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return state != nil && state != "Z" && state != "X"
    }
}
