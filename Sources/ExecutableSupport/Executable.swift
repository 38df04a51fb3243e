import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `main()` of swiftplane's executables: parse, run (awaited when the
/// command is async), and one rule for how the process ends, so the binaries
/// agree on exit statuses and messages.
public enum Executable {
    /// Runs `root` with the process's arguments, then exits:
    /// - `--help`, `--version`: printed, exit 0;
    /// - usage errors (bad flags, a `ValidationError`): the message and the
    ///   usage on standard error, exit 2 (ArgumentParser's own is 64, EX_USAGE);
    /// - `ExitCode(n)` thrown: exit n, nothing more said (the command said it);
    /// - any other error: `name: error` on standard error, exit 1.
    public static func main(_ root: any ParsableCommand.Type, name: String) async -> Never {
        var command: any ParsableCommand
        do { command = try root.parseAsRoot() } catch { end(root, error) }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // ArgumentParser's own (help asked for in a subcommand, a usage error, an exit status): its message and status.
            let code = root.exitCode(for: error)
            if error is ExitCode || code == .success || code.rawValue == 64 { end(root, error) }
            printError("\(name): \(error)")
            terminate(1)
        }
        terminate(0)
    }

    /// ArgumentParser's message for `error` where it goes, and its status (64 said as 2).
    private static func end(_ root: any ParsableCommand.Type, _ error: any Error) -> Never {
        let code = root.exitCode(for: error)
        let message = root.fullMessage(for: error)
        if code == .success {
            print(message)
            terminate(0)
        }
        if !message.isEmpty { printError(message) }
        terminate(code.rawValue == 64 ? 2 : code.rawValue)
    }
}

/// Writes a line to standard error (file descriptor 2), unbuffered, so it
/// comes before anything the process prints after it.
public func printError(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// The process exit, out of reach of ArgumentParser's `exit` member.
public func terminate(_ status: Int32) -> Never { exit(status) }
