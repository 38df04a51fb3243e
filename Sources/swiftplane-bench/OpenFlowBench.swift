import ArgumentParser
import Foundation
import OpenFlowController

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

        The emulated switches run on bare epoll loops (one per --threads), so that a figure \
        is the controller's, not the load generator's. --compare-bare measures, in the same \
        run, the same learning switch with the same codecs on one bare epoll loop with no \
        controller runtime: how far that is from ours is what SwiftNIO and the connection \
        state machine cost; what both pay is the kernel's.

        Examples:
          swiftplane-bench openflow --compare-os-ken --duration 4
          swiftplane-bench openflow --mode latency --compare-bare --transport unix
          swiftplane-bench openflow --serve-only --listen 127.0.0.1:6653
        """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable { case latency, throughput, both }
    enum Transport: String, ExpressibleByArgument, CaseIterable { case tcp, unix }

    @Option(help: "Emulated switches.") var switches = 16
    @Option(help: "latency (one outstanding per switch), throughput (a window per switch) or both.") var mode = Mode.both
    @Option(help: "Packet-ins outstanding per switch in throughput mode.") var window = 64
    @Option(help: "Seconds measured per mode.") var duration = 5.0
    @Option(help: "Threads (each a bare epoll loop) of the load generator.") var threads = 1
    @Option(help: """
        Event-loop threads of our controller. Default: the cores the load generator leaves (at least 1), so that \
        on a small machine the two do not take turns on the same core; with --serve-only, one per core.
        """)
    var controllerThreads: Int?
    @Option(help: "HOST:PORT or unix:PATH of a running controller (default: start ours as a child process).",
            transform: { try ControllerListenAddress(parsing: $0) })
    var controller: ControllerListenAddress?
    @Flag(help: "Also run the same load against os-ken's simple_switch_13 (always over TCP).") var compareOsKen = false
    @Flag(help: "Also run the same load against the learning switch on a bare epoll loop (no controller runtime).")
    var compareBare = false
    @Option(help: "How the switches reach the controllers this run starts: tcp (127.0.0.1) or unix (a socket file in a temporary folder).")
    var transport = Transport.tcp
    @Flag(help: "Print the figures as JSON.") var json = false
    @Flag(help: "Only run our controller with the learning-switch app.") var serveOnly = false
    @Flag(help: "With --serve-only: serve the learning switch on a bare epoll loop instead of our controller.") var bare = false
    @Option(help: "HOST:PORT or unix:PATH the --serve-only controller listens on.",
            transform: { try ControllerListenAddress(parsing: $0) })
    var listen = ControllerListenAddress.default
    @Option(help: "Where our learning switch gets packet-ins: loop (answered on the switch's event loop) or stream (the packetIns AsyncStream).")
    var packetInPath = LearningSwitchServer.Path.loop

    func validate() throws {
        guard (1...4096).contains(switches) else { throw ValidationError("--switches must be 1...4096") }
        guard (1...4096).contains(window) else { throw ValidationError("--window must be 1...4096") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be in (0, 3600] seconds") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
        if let controllerThreads, !(1...64).contains(controllerThreads) { throw ValidationError("--controller-threads must be 1...64") }
        if bare, !serveOnly { throw ValidationError("--bare goes with --serve-only (to measure it beside ours: --compare-bare)") }
        if controller != nil, compareBare || transport != .tcp {
            throw ValidationError("--compare-bare and --transport are for the controllers this run starts, not with --controller")
        }
    }

    func run() async throws {
        if serveOnly {
            let announce: (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            if bare {
                let endpoint = listen
                try await onDedicatedThread("bare") {
                    let responder = try BareResponder(listening: endpoint)
                    FileHandle.standardOutput.write(Data("listening \(endpoint)\n".utf8))
                    try responder.run()
                }
            }
            try await LearningSwitchServer.run(listen: listen, path: packetInPath, threads: controllerThreads ?? 0, announce: announce)
            return
        }
        var report = BenchReport(loadAverage: BenchReport.currentLoadAverage(), cores: ProcessInfo.processInfo.activeProcessorCount)
        try await measureAll(into: &report)
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("load average \(report.loadAverage.map { String($0) }.joined(separator: " ")), \(report.cores) cores"
                  + (report.controllerThreads.map { ", our controller on \($0) event loop(s)" } ?? "")
                  + (report.transport.map { ", switches on \($0)" } ?? "") + ", load generator on \(threads) thread(s)")
            for run in report.runs { print(run.line) }
            for (mode, ratio) in report.ratioToOsKen.sorted(by: { $0.key < $1.key }) { print("\(mode): \(ratio) x os-ken") }
            for (mode, ratio) in report.ratioToBare.sorted(by: { $0.key < $1.key }) { print("\(mode): \(ratio) x the bare loop") }
        }
    }

    private func measureAll(into report: inout BenchReport) async throws {
        if let controller {
            report.runs += try await measure("controller at \(controller)", endpoint: controller)
            return
        }
        let path = packetInPath
        let threads = controllerThreads ?? max(1, ProcessInfo.processInfo.activeProcessorCount - self.threads)
        report.controllerThreads = threads
        report.transport = transport.rawValue
        report.runs += try await measureChild("swiftplane", transport: transport) {
            try ControllerProcess.swiftplane(endpoint: $0, path: path, threads: threads)
        }
        if compareBare {
            report.runs += try await measureChild("bare", transport: transport) { try ControllerProcess.bare(endpoint: $0) }
            report.ratioToBare = ratios(of: report.runs, to: "bare")
        }
        if compareOsKen {
            report.runs += try await measureChild("os-ken", transport: .tcp, start: ControllerProcess.osKen)
            report.ratioToOsKen = ratios(of: report.runs, to: "os-ken")
        }
    }

    /// swiftplane's responses/s over `other`'s, per mode.
    private func ratios(of runs: [PhaseReport], to other: String) -> [String: Double] {
        var ratios: [String: Double] = [:]
        for mode in ["latency", "throughput"] {
            guard let ours = runs.first(where: { $0.controller == "swiftplane" && $0.mode == mode }),
                  let theirs = runs.first(where: { $0.controller == other && $0.mode == mode }),
                  theirs.responsesPerSecond > 0 else { continue }
            ratios[mode] = (ours.responsesPerSecond / theirs.responsesPerSecond * 100).rounded() / 100
        }
        return ratios
    }

    private func measureChild(_ name: String, transport: Transport,
                              start: (ControllerListenAddress) throws -> ControllerProcess) async throws -> [PhaseReport] {
        let endpoint = try ControllerProcess.freeEndpoint(transport)
        let child = try start(endpoint)
        defer { child.stop() }
        try await child.waitListening(name)
        return try await measure(name, endpoint: endpoint)
    }

    private func measure(_ name: String, endpoint: ControllerListenAddress) async throws -> [PhaseReport] {
        let phases: [(String, Int)] = switch mode {
        case .latency: [("latency", 1)]
        case .throughput: [("throughput", window)]
        case .both: [("latency", 1), ("throughput", window)]
        }
        let generator = try await LoadGenerator.connect(to: endpoint, switches: switches, maximumWindow: window,
                                                        seed: 0x5350_0000, threads: threads)
        var reports: [PhaseReport] = []
        for (phase, phaseWindow) in phases {
            let (seconds, statistics) = try await generator.run(window: phaseWindow, duration: .seconds(duration))
            let report = PhaseReport(controller: name, mode: phase, window: phaseWindow, seconds: seconds, statistics)
            reports.append(report)
            // Progress for a long JSON run; the text summary prints the same lines at the end.
            if json { FileHandle.standardError.write(Data((report.line + "\n").utf8)) }
        }
        return reports
    }
}
