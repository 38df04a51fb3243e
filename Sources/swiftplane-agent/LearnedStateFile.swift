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
        // Refused before it is read: a huge file must not take the memory.
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= LearnedState.maximumFileSize else {
            throw Failure(path: path, reason: "not a state file: \(size) bytes: larger than the \(LearnedState.maximumFileSize) a state file may have")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure(path: path, reason: "cannot be read: \(error.localizedDescription)")
        }
        do { return try LearnedState.decode(data) } catch {
            throw Failure(path: path, reason: "not a state file: \(error)")
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

}
