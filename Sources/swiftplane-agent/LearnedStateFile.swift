import Agent
import Foundation

/// The agent's state file: `LearnedState` as JSON, written whole to a
/// temporary file and renamed over the old one, so a crash mid-write leaves
/// the previous state, never half of one. Root-only (0600): it lists the
/// tenants' addresses.
struct LearnedStateFile {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "state file \(path): \(reason)" }
    }

    var path: String

    /// The saved state; nil when there is no file yet (a first start).
    func load() throws(Failure) -> LearnedState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure(path: path, reason: "cannot be read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(LearnedState.self, from: data) } catch {
            throw Failure(path: path, reason: "not a state file: \(Self.explain(error))")
        }
    }

    func save(_ state: LearnedState) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(state)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new")
            guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw Failure(path: path, reason: "cannot write \(temporary.path)")
            }
            guard rename(temporary.path, path) == 0 else {
                throw Failure(path: path, reason: "cannot rename \(temporary.path) over it: \(String(cString: strerror(errno)))")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(path: path, reason: "cannot be written: \(error.localizedDescription)")
        }
    }

    /// The decoder's error in a line: which field, and what was wrong with it.
    private static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? context.debugDescription : "\(path.hasPrefix(".") ? String(path.dropFirst()) : path): \(context.debugDescription)"
        }
        switch error {
        case let .dataCorrupted(context): return at(context)
        case let .keyNotFound(key, context): return "\(at(context)) (missing \(key.stringValue))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return at(context)
        @unknown default: return "\(error)"
        }
    }
}
