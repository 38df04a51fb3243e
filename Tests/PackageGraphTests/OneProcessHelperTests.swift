import Foundation
import Testing
import TestSupport

/// Tests start long-lived children one way: `Daemon` in Tests/Support (a
/// clean signal mask, output in a file, stopped by pid and always reaped);
/// short commands that are waited for go through `Command.run`. A second
/// way (a `Process` of Foundation's made by hand) fails here.
@Suite struct OneProcessHelperTests {
    /// Whether a line makes Foundation's `Process` (`Process()`) or passes one
    /// around (`: Process`, `-> Process`); plain string search (a Regex per
    /// line of the whole tree took seconds).
    static func handMade(_ line: Substring) -> Bool {
        let code = line.trimmingCharacters(in: .whitespaces)
        guard !code.hasPrefix("//"), code.contains("Process") else { return false }
        for marker in ["Process()", ": Process", "-> Process"] {
            var rest = Substring(code)
            while let found = rest.range(of: marker) {
                let before = found.lowerBound == rest.startIndex ? nil : rest[rest.index(before: found.lowerBound)]
                let after = found.upperBound == rest.endIndex ? nil : rest[found.upperBound]
                let wordStart = marker != "Process()" || before.map { !$0.isLetter && !$0.isNumber && $0 != "_" } ?? true
                let wordEnd = marker == "Process()" || after.map { !$0.isLetter && !$0.isNumber && $0 != "_" } ?? true
                if wordStart && wordEnd { return true }
                rest = rest[found.upperBound...]
            }
        }
        return false
    }

    static func swiftFiles(under folder: URL) -> [URL] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "swift" }
    }

    @Test func noTestStartsAProcessBesideTheHelper() throws {
        let tests = Repository.root.appendingPathComponent("Tests")
        let files = Self.swiftFiles(under: tests).filter { $0.lastPathComponent != "OneProcessHelperTests.swift" }
        #expect(files.count > 100, "found \(files.count) Swift files under \(tests.path)")
        let offenders = try files.flatMap { file -> [String] in
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            return lines.enumerated().filter { Self.handMade($0.element) }
                .map { "\(file.path.dropFirst(Repository.root.path.count + 1)):\($0.offset + 1): \($0.element.trimmingCharacters(in: .whitespaces))" }
        }
        #expect(offenders.isEmpty, "start children with Daemon (Tests/Support/Daemon.swift) or Command.run:\n\(offenders.joined(separator: "\n"))")
    }

    @Test(arguments: [
        ("let p = Process()", true), ("func start() throws -> Process {", true), ("let reflector: Process", true),
        ("_ rr: Process) async", true), ("let d = try Daemon([\"sleep\", \"1\"])", false), ("ProcessState.isRunning(pid)", false),
        ("let s: ProcessOutput", false), ("let p = MyProcess()", false), ("// a Process() in a comment", false),
    ])
    func theCheckFindsAHandMadeProcess(line: String, found: Bool) {
        #expect(Self.handMade(Substring(line)) == found)
    }
}
