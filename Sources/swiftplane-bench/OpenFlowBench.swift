import ArgumentParser
import Foundation
import NIOPosix

extension LearningSwitchServer.Path: ExpressibleByArgument {}

/// `swiftplane-bench openflow`: emulated OpenFlow 1.3 switches send
/// PACKET_INs to a learning-switch controller and time its answers.
struct OpenFlowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openflow",
        abstract: "Emulated OF1.3 switches load a learning-switch controller with PACKET_INs.",
        discussion: """
        A response is the PACKET_OUT that carries a packet-in's frame back (a learning \
        switch sends it after the FLOW_MOD when it installs one, so it ends the pair). \
        Latency mode keeps one packet-in outstanding per switch; throughput mode a window.
        """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable { case latency, throughput, both }

    @Option(help: "Emulated switches.") var switches = 16
    @Option(help: "latency (one outstanding per switch), throughput (a window per switch) or both.") var mode = Mode.both
    @Option(help: "Packet-ins outstanding per switch in throughput mode.") var window = 64
    @Option(help: "Seconds measured per mode.") var duration = 5.0
    @Option(help: "Event-loop threads of the load generator.") var threads = 1
    @Option(help: """
        Event-loop threads of our controller. Default: the cores the load generator leaves (at least 1), so that \
        on a small machine the two do not take turns on the same core; with --serve-only, one per core.
        """)
    var controllerThreads: Int?
    @Option(help: "HOST:PORT of a running controller (default: start ours as a child process).") var controller: String?
    @Flag(help: "Also run the same load against os-ken's simple_switch_13.") var compareOsKen = false
    @Flag(help: "Print the figures as JSON.") var json = false
    @Flag(help: "Only run our controller with the learning-switch app.") var serveOnly = false
    @Option(help: "HOST:PORT the --serve-only controller listens on.") var listen = "127.0.0.1:6653"
    @Option(help: "Where our learning switch gets packet-ins: loop (answered on the switch's event loop) or stream (the packetIns AsyncStream).")
    var packetInPath = LearningSwitchServer.Path.loop

    func validate() throws {
        guard (1...4096).contains(switches) else { throw ValidationError("--switches must be 1...4096") }
        guard (1...4096).contains(window) else { throw ValidationError("--window must be 1...4096") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be in (0, 3600] seconds") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
        if let controllerThreads, !(1...64).contains(controllerThreads) { throw ValidationError("--controller-threads must be 1...64") }
        if let controller { _ = try Self.hostPort(controller) }
        _ = try Self.hostPort(listen)
    }

    static func hostPort(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { throw ValidationError("expected HOST:PORT, got \(text)") }
        return (String(text[..<colon]), port)
    }

    func run() async throws {
        if serveOnly {
            let (host, port) = try Self.hostPort(listen)
            try await LearningSwitchServer.run(host: host, port: port, path: packetInPath, threads: controllerThreads ?? 0) { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            return
        }
        var report = BenchReport(loadAverage: BenchReport.currentLoadAverage(), cores: ProcessInfo.processInfo.activeProcessorCount)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            try await measureAll(into: &report, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("load average \(report.loadAverage.map { String($0) }.joined(separator: " ")), \(report.cores) cores"
                  + (report.controllerThreads.map { ", our controller on \($0) event loop(s)" } ?? ""))
            for run in report.runs { print(run.line) }
            for (mode, ratio) in report.ratioToOsKen.sorted(by: { $0.key < $1.key }) { print("\(mode): \(ratio) x os-ken") }
        }
    }

    private func measureAll(into report: inout BenchReport, group: MultiThreadedEventLoopGroup) async throws {
        if let controller {
            let (host, port) = try Self.hostPort(controller)
            report.runs += try await measure("controller at \(controller)", host: host, port: port, group: group)
        } else {
            let path = packetInPath
            let threads = controllerThreads ?? max(1, ProcessInfo.processInfo.activeProcessorCount - self.threads)
            report.controllerThreads = threads
            report.runs += try await measureChild("swiftplane", start: { try ControllerProcess.swiftplane(port: $0, path: path, threads: threads) },
                                                  group: group)
        }
        if compareOsKen {
            report.runs += try await measureChild("os-ken", start: ControllerProcess.osKen, group: group)
            for mode in ["latency", "throughput"] {
                guard let ours = report.runs.first(where: { $0.controller != "os-ken" && $0.mode == mode }),
                      let theirs = report.runs.first(where: { $0.controller == "os-ken" && $0.mode == mode }),
                      theirs.responsesPerSecond > 0 else { continue }
                report.ratioToOsKen[mode] = (ours.responsesPerSecond / theirs.responsesPerSecond * 10).rounded() / 10
            }
        }
    }

    private func measureChild(_ name: String, start: (Int) throws -> ControllerProcess,
                              group: MultiThreadedEventLoopGroup) async throws -> [PhaseReport] {
        guard let port = ControllerProcess.freePort() else { throw ValidationError("no free port on 127.0.0.1") }
        let child = try start(port)
        defer { child.stop() }
        try await child.waitListening(name)
        return try await measure(name, host: "127.0.0.1", port: port, group: group)
    }

    private func measure(_ name: String, host: String, port: Int, group: MultiThreadedEventLoopGroup) async throws -> [PhaseReport] {
        let phases: [(String, Int)] = switch mode {
        case .latency: [("latency", 1)]
        case .throughput: [("throughput", window)]
        case .both: [("latency", 1), ("throughput", window)]
        }
        let generator = try await LoadGenerator.connect(host: host, port: port, switches: switches, maximumWindow: window,
                                                        seed: 0x5350_0000, group: group)
        var reports: [PhaseReport] = []
        do {
            // The controller has just met the switches: let its handshakes settle first.
            try await Task.sleep(for: .milliseconds(300))
            for (phase, phaseWindow) in phases {
                let started = ContinuousClock.now
                let statistics = try await generator.run(window: phaseWindow, duration: .seconds(duration))
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let report = PhaseReport(controller: name, mode: phase, window: phaseWindow, seconds: seconds, statistics)
                reports.append(report)
                // Progress for a long JSON run; the text summary prints the same lines at the end.
                if json { FileHandle.standardError.write(Data((report.line + "\n").utf8)) }
                // Answers still in flight drain before the next phase.
                try await Task.sleep(for: .milliseconds(200))
            }
        } catch {
            await generator.close()
            throw error
        }
        await generator.close()
        return reports
    }
}
