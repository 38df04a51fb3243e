import Foundation

extension Command {
    /// The path of an executable product built beside the running test
    /// bundle (`swift build --build-tests` builds them all), or nil when it
    /// was not built.
    public static func builtProduct(_ name: String) -> String? {
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        // On Linux the runner is …/debug/<Package>PackageTests.xctest; on macOS it sits inside the bundle.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        let fallback = Repository.root.appendingPathComponent(".build/debug/\(name)").path
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }
}
