import Foundation

/// Where the checkout and its sibling `../shared` folder live, found from this
/// source file's path so tests work from any working directory.
public enum Repository {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// `Fixtures/` in the checkout.
    public static let fixtures: URL = root.appendingPathComponent("Fixtures")

    /// `../shared` beside the checkout, or nil when absent (tests that need it
    /// are then skipped with a message that says so).
    public static let shared: URL? = {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? url : nil
    }()

    /// The files in a folder, sorted by name; empty when the folder is absent.
    public static func files(in folder: URL, withExtension ext: String? = nil) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted()
            .filter { ext == nil || $0.hasSuffix("." + ext!) }
            .map { folder.appendingPathComponent($0) }
    }
}
