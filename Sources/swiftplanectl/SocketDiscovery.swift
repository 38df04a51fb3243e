import AdminAPI
import Foundation

/// Which daemon to ask when `--socket` is not given: the local one whose
/// socket file exists in the run folder (`/run/swiftplane`, or
/// `$SWIFTPLANE_RUN_DIR`), in order of preference. The choice is said on
/// standard error, so it never mixes with a table or JSON on standard out.
enum SocketDiscovery {
    static var runFolder: String { ProcessInfo.processInfo.environment["SWIFTPLANE_RUN_DIR"] ?? "/run/swiftplane" }

    /// neighbors and routes prefer the reflector, then the agent; the other
    /// commands are the agent's.
    static func candidates(for preferred: AdminAddress) -> [(path: String, daemon: String)] {
        let rr = (runFolder + "/rr.sock", "swiftplane-rr"), agent = (runFolder + "/agent.sock", "swiftplane-agent")
        return preferred == .routeReflectorDefault ? [rr, agent] : [agent]
    }

    /// The first candidate that is a socket; nil (and the paths looked at) when none is.
    static func find(for preferred: AdminAddress) -> Result<(AdminAddress, String), DiscoveryError> {
        let list = candidates(for: preferred)
        for (path, daemon) in list {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK { return .success((.unix(path: path), daemon)) }
        }
        return .failure(DiscoveryError(looked: list.map(\.path)))
    }
}

struct DiscoveryError: Error, CustomStringConvertible {
    var looked: [String]
    var description: String {
        "no daemon socket found (looked for \(looked.joined(separator: ", "))); is the daemon running? pass --socket PATH or HOST:PORT"
    }
}
