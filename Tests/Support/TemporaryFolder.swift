import Foundation

public enum TemporaryFolder {
    /// A new empty folder under the system's temporary directory; the
    /// caller removes it (`defer { try? FileManager.default.removeItem(at:) }`).
    public static func create(_ prefix: String = "swiftplane-tests") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
