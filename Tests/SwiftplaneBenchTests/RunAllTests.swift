import Foundation
import ProcessOutput
import Testing

/// `ProcessOutput.runAll`, which the move drill polls every host's switch
/// with: every child started before any is waited for, outputs in order.
@Suite struct RunAllTests {
    static let shell = URL(fileURLWithPath: "/bin/sh")

    /// Two children that can each finish only once the other has started:
    /// run one after the other, the first would give up after 10 s.
    @Test func childrenRunAtOnce() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-all-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func child(_ mine: String, waitsFor other: String) -> ProcessOutput.Command {
            ProcessOutput.Command(Self.shell, ["-c", """
                touch '\(folder.path)/\(mine)'
                for i in $(seq 1000); do [ -e '\(folder.path)/\(other)' ] && { echo "\(mine) saw \(other)"; exit 0; }; sleep 0.01; done
                exit 1
                """])
        }
        let outputs = try ProcessOutput.runAll([child("a", waitsFor: "b"), child("b", waitsFor: "a")])
        #expect(outputs.map(\.status) == [0, 0])
        #expect(outputs.map(\.stdout) == ["a saw b\n", "b saw a\n"])
    }

    @Test(arguments: [
        (["-c", "echo out; echo err >&2; exit 3"], Int32(3), "out\n", "err\n"),
        (["-c", "cat"], 0, "", ""),   // stdin is /dev/null: cat ends at once
        (["-c", "env | grep '^RUN_ALL='"], 0, "RUN_ALL=yes\n", ""),
    ])
    func oneChild(arguments: [String], status: Int32, stdout: String, stderr: String) throws {
        let output = try ProcessOutput.runAll([ProcessOutput.Command(Self.shell, arguments, environment: ["RUN_ALL": "yes", "PATH": "/usr/bin:/bin"])])
        #expect(output.map(\.status) == [status])
        #expect(output.map(\.stdout) == [stdout])
        #expect(output.map(\.stderr) == [stderr])
    }

    /// A command that cannot start is an error, after the ones already started have ended.
    @Test func aMissingExecutableThrows() {
        #expect(throws: (any Error).self) {
            try ProcessOutput.runAll([ProcessOutput.Command(Self.shell, ["-c", "true"]),
                                      ProcessOutput.Command(URL(fileURLWithPath: "/nonexistent/run-all"), [])])
        }
    }

    /// `run` is `runAll` of one: its input read from a file on stdin.
    @Test func runFeedsInput() throws {
        let output = try ProcessOutput.run(Self.shell, ["-c", "cat; echo err >&2; exit 4"], input: Data("in\n".utf8))
        #expect(output.status == 4)
        #expect(output.stdout == "in\n")
        #expect(output.stderr == "err\n")
    }

    @Test func noCommandsNoOutputs() throws {
        #expect(try ProcessOutput.runAll([]).isEmpty)
    }
}
