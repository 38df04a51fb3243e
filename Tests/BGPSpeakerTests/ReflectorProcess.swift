import Foundation
import TestSupport

/// The built `swiftplane-rr` as a child `Daemon`; the test stops it by pid (`stop()`).
enum ReflectorProcess {
    static var available: Bool { Command.builtProduct("swiftplane-rr") != nil }

    static func start(_ arguments: [String]) throws -> Daemon {
        // Its admin socket in the temporary folder, never /run (a kill -9 leaves the file; a restart replaces it).
        try Daemon([Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr"] + arguments + (arguments.contains("--admin-socket") ? []
            : ["--admin-socket", NSTemporaryDirectory() + "swiftplane-rr-\(UUID().uuidString.prefix(8)).sock"]))
    }

    /// Started with `--config` on `yaml`, written as rr.yaml into `folder`.
    static func start(yaml: String, in folder: URL) throws -> Daemon {
        let file = folder.appendingPathComponent("rr.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try start(["--config", file.path])
    }
}
