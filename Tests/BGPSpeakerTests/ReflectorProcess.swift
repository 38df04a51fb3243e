import Foundation
import TestSupport

/// The built `swiftplane-rr` as a child process; the test stops it by pid (`Process.stop()`).
enum ReflectorProcess {
    static var available: Bool { Command.builtProduct("swiftplane-rr") != nil }

    static func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr")
        // Its admin socket in the temporary folder, never /run (a kill -9 leaves the file; a restart replaces it).
        p.arguments = arguments + (arguments.contains("--admin-socket") ? []
            : ["--admin-socket", NSTemporaryDirectory() + "swiftplane-rr-\(UUID().uuidString.prefix(8)).sock"])
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Started with `--config` on `yaml`, written as rr.yaml into `folder`.
    static func start(yaml: String, in folder: URL) throws -> Process {
        let file = folder.appendingPathComponent("rr.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try start(["--config", file.path])
    }
}
