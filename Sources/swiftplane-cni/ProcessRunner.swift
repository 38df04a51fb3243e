import Foundation

/// A finished child process.
struct Finished {
    var status: Int32
    var stdout: String
    var stderr: String
    var succeeded: Bool { status == 0 }
}

/// Runs the plan's commands and the IPAM plugin as child processes.
enum ProcessRunner {
    /// Runs `arguments` (the program is looked up on PATH unless it has a /),
    /// feeding `input` on stdin, with `environment` (default: ours).
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) -> Finished {
        let process = Process()
        guard let program = arguments.first, let path = locate(program) else {
            return Finished(status: 127, stdout: "", stderr: "\(arguments.first ?? ""): not found on PATH")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = Array(arguments.dropFirst())
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inp
        do { try process.run() } catch {
            return Finished(status: 126, stdout: "", stderr: "\(path): \(error)")
        }
        if let input {
            inp.fileHandleForWriting.write(Data(input.utf8))
            try? inp.fileHandleForWriting.close()
        }
        // Read both pipes to the end before waiting, so a chatty child never blocks.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                        stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    static func locate(_ program: String, in directories: [String]? = nil) -> String? {
        if program.contains("/") { return program }
        let dirs = directories ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":").map(String.init)
        return dirs.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The stderr pipe's contents: written by one thread, read after the group's
/// wait, which orders the accesses.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
