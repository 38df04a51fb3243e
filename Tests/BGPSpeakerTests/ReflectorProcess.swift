import Foundation
import TestSupport

/// The built `swiftplane-rr` as a child `Daemon`; the test stops it by pid (`stop()`).
enum ReflectorProcess {
    static var available: Bool { Command.builtProduct("swiftplane-rr") != nil }

    static func start(_ arguments: [String]) throws -> Daemon {
        // Its admin socket in the temporary folder, never /run; a kill -9 leaves the file, removed with the value.
        let socket = arguments.contains("--admin-socket") ? nil
            : URL(fileURLWithPath: NSTemporaryDirectory() + "swiftplane-rr-\(UUID().uuidString.prefix(8)).sock")
        return try Daemon([Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr"] + arguments + (socket.map { ["--admin-socket", $0.path] } ?? []),
                          leftovers: socket.map { [$0] } ?? [])
    }

    /// Started with `--config` on rr.yaml, written into `folder`: AS 65000,
    /// router id 127.0.0.1, listening on 127.0.0.1:`port`, logging errors
    /// only, then `rest` (neighbours, accept ranges, graceful restart...).
    static func start(port: Int, _ rest: String, in folder: URL) throws -> Daemon {
        let file = folder.appendingPathComponent("rr.yaml")
        try "as: 65000\nrouter-id: 127.0.0.1\nlisten: 127.0.0.1:\(port)\nlog-level: error\n\(rest)\n"
            .write(to: file, atomically: true, encoding: .utf8)
        return try start(["--config", file.path])
    }
}
