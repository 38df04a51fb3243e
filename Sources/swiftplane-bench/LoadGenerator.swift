import OpenFlow
import OpenFlowController

/// N emulated switches connected to one controller, spread over `threads`
/// workers of their own. A phase keeps a window of packet-ins outstanding
/// per switch for a fixed time and gathers every switch's figures.
struct LoadGenerator: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case notReady(switchesReady: Int, of: Int)
        var description: String {
            switch self {
            case let .notReady(ready, total): "only \(ready) of \(total) switches finished the handshake within 10 s"
            }
        }
    }

    let workers: [SwitchWorker]

    /// Connects the switches and waits until the controller has asked each for its features.
    static func connect(to endpoint: ControllerListenAddress, switches: Int, maximumWindow: Int, seed: UInt64,
                        threads: Int) async throws -> LoadGenerator {
        let threads = max(1, min(threads, switches))
        let workers = try await eachOnThread(0..<threads) { worker in
            // Switch i goes to worker i mod threads: datapath ids stay 1...N whatever the split.
            let mine = stride(from: worker, to: switches, by: threads).map {
                EmulatedSwitch(datapathID: DatapathID(UInt64($0) &+ 1), maximumWindow: maximumWindow, seed: seed)
            }
            let connected = try SwitchWorker(endpoint: endpoint, switches: mine)
            if try connected.handshake(seconds: 10) { try connected.idle(seconds: 0.3) }
            return connected
        }
        let ready = workers.reduce(0) { $0 + $1.readyCount }
        guard ready == switches else { throw Failure.notReady(switchesReady: ready, of: switches) }
        return LoadGenerator(workers: workers)
    }

    /// One measured phase: every switch starts, runs `duration`, stops.
    /// Returns the longest worker's measured time and every switch's figures.
    func run(window: Int, duration: Duration) async throws -> (seconds: Double, [EmulatedSwitch.Statistics]) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let phases = try await Self.eachOnThread(workers.indices) { index in
            let phase = try workers[index].run(window: window, seconds: seconds)
            // Answers still in flight drain before the next phase.
            try workers[index].idle(seconds: 0.2)
            return phase
        }
        return (phases.map(\.seconds).max() ?? seconds, phases.flatMap { $0.1 })
    }

    /// Runs `body` for each index at once, each on a thread of its own; results in index order.
    private static func eachOnThread<T: Sendable>(_ indices: Range<Int>,
                                                  _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for index in indices {
                group.addTask { (index, try await onDedicatedThread("switches-\(index)") { try body(index) }) }
            }
            var results: [(Int, T)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
