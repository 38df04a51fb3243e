import AdminAPI
import ArgumentParser
import ExecutableSupport
import Foundation

struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The daemon's /healthz: ready or not, and each check that fails; exit 0 when ready, 1 when not (or no answer).",
        discussion: """
            --wait SECONDS asks again every 200 ms until the answer is the one
            wanted or the time is up. --started wants any answer, ready or not:
            the daemon is up and serving (what a systemd unit's ExecStartPost
            waits for; readiness may take as long as a reflector's sessions).

            Examples:
              swiftplanectl health
              swiftplanectl health --socket /run/swiftplane/agent.sock --wait 60
              swiftplanectl health --socket /run/swiftplane/rr.sock --started --wait 30
            """
    )

    @OptionGroup var options: AdminOptions

    @Option(help: "Seconds to keep asking until the wanted answer (default 0: ask once).")
    var wait: Int = 0

    @Flag(help: "Exit 0 as soon as the daemon answers, ready or not.")
    var started = false

    func validate() throws {
        guard (0...3600).contains(wait) else { throw ValidationError("--wait: invalid value '\(wait)': must be 0-3600 seconds") }
    }

    func run() throws {
        let client = AdminClient(address: try options.address(defaultSocket: .routeReflectorDefault), timeout: options.timeout)
        let deadline = Date().addingTimeInterval(Double(wait))
        let request = Array("GET /healthz HTTP/1.1\r\nHost: swiftplane\r\nConnection: close\r\n\r\n".utf8)
        while true {
            var outcome: Result<HealthReport, any Error>
            do {
                let response = try client.exchange(request)
                guard response.status == 200 || response.status == 503 else {
                    throw AdminClientError.undecodable(target: "/healthz", reason: "HTTP status \(response.status)")
                }
                outcome = .success(try JSONDecoder().decode(HealthReport.self, from: Data(response.body)))
            } catch {
                outcome = .failure(error)
            }
            let done: Bool = switch outcome {
            case let .success(report): started || report.ready
            case .failure: false
            }
            if done || Date() >= deadline {
                switch outcome {
                case let .success(report):
                    print(options.json ? String(decoding: try JSONEncoder().encode(report), as: UTF8.self) : Self.text(report))
                    if !done { throw ExitCode(1) }
                    return
                case let .failure(error):
                    printError("swiftplanectl: \(error)")
                    throw ExitCode(1)
                }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    static func text(_ report: HealthReport) -> String {
        let problems = report.problems.map { "  \($0.name): \($0.detail)" }
        return (report.ready ? "ready" : "not ready") + (problems.isEmpty ? "" : "\n" + problems.joined(separator: "\n"))
    }
}
