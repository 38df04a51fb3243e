import Foundation

/// The figures of one phase against one controller, as printed in JSON.
struct PhaseReport: Codable {
    var controller: String
    var mode: String
    var switches: Int
    var window: Int
    var seconds: Double
    var packetInsSent: Int
    var responses: Int
    var responsesPerSecond: Double
    var flowMods: Int
    var latencyMicroseconds: Latency
    var lost: Int
    var errors: Int

    struct Latency: Codable {
        var p50: Double
        var p99: Double
        var p999: Double
    }

    init(controller: String, mode: String, window: Int, seconds: Double, _ statistics: [EmulatedSwitch.Statistics]) {
        self.controller = controller
        self.mode = mode
        self.switches = statistics.count
        self.window = window
        self.seconds = seconds
        packetInsSent = statistics.reduce(0) { $0 + $1.packetInsSent }
        responses = statistics.reduce(0) { $0 + $1.responses }
        responsesPerSecond = seconds > 0 ? (Double(responses) / seconds).rounded() : 0
        flowMods = statistics.reduce(0) { $0 + $1.flowMods }
        lost = statistics.reduce(0) { $0 + $1.lost }
        errors = statistics.reduce(0) { $0 + $1.errors }
        let p = LatencySample.percentiles(statistics.map(\.latencies), [0.5, 0.99, 0.999]).map { ($0 / 100).rounded() / 10 }
        latencyMicroseconds = Latency(p50: p[0], p99: p[1], p999: p[2])
    }

    var line: String {
        String(format: "%@ %@ (%d switches, window %d): %.0f responses/s, latency p50 %.1f µs p99 %.1f µs p99.9 %.1f µs, lost %d, errors %d",
               controller, mode, switches, window, responsesPerSecond, latencyMicroseconds.p50, latencyMicroseconds.p99,
               latencyMicroseconds.p999, lost, errors)
    }
}

/// Everything one `swiftplane-bench openflow` run measured.
struct BenchReport: Codable {
    var loadAverage: [Double]
    var cores: Int
    /// Event loops of the controller we started (nil: a controller given by address).
    var controllerThreads: Int?
    /// How the switches reached the controllers this run started (tcp, unix); os-ken is always on TCP.
    var transport: String?
    var runs: [PhaseReport] = []
    /// swiftplane's responses/s over os-ken's, per mode.
    var ratioToOsKen: [String: Double] = [:]
    /// swiftplane's responses/s over the bare loop's, per mode (1: no runtime cost at all).
    var ratioToBare: [String: Double] = [:]

    static func currentLoadAverage() -> [Double] {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) == 3 ? loads.map { ($0 * 100).rounded() / 100 } : []
    }
}
