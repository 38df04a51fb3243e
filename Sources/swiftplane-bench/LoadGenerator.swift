import NIOCore
import NIOPosix

/// N emulated switches connected to one controller, spread over the event
/// loops of `group`. A phase keeps a window of packet-ins outstanding per
/// switch for a fixed time and gathers every switch's figures.
struct LoadGenerator {
    struct Link {
        let channel: any Channel
        let handler: NIOLoopBound<EmulatedSwitchHandler>
    }

    enum Failure: Error, CustomStringConvertible {
        case notReady(switchesReady: Int, of: Int)
        var description: String {
            switch self {
            case let .notReady(ready, total): "only \(ready) of \(total) switches finished the handshake"
            }
        }
    }

    let links: [Link]

    /// Connects the switches and waits until the controller has asked each for its features.
    static func connect(host: String, port: Int, switches: Int, maximumWindow: Int, seed: UInt64,
                        group: any EventLoopGroup) async throws -> LoadGenerator {
        var links: [Link] = []
        do {
            for index in 0..<switches {
                let emulated = EmulatedSwitch(datapathID: UInt64(index) &+ 1, maximumWindow: maximumWindow, seed: seed)
                let loop = group.next()
                let channel = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(EmulatedSwitchHandler(emulated, eventLoop: channel.eventLoop))
                        }
                    }
                    .connect(host: host, port: port).get()
                let handler = try await loop.submit {
                    NIOLoopBound(try channel.pipeline.syncOperations.handler(type: EmulatedSwitchHandler.self), eventLoop: loop)
                }.get()
                links.append(Link(channel: channel, handler: handler))
            }
            var ready = 0
            for link in links {
                let handler = link.handler
                let future = link.channel.eventLoop.flatSubmit { handler.value.ready.futureResult }
                let timeout = link.channel.eventLoop.scheduleTask(in: .seconds(10)) { link.channel.close(promise: nil) }
                do { try await future.get() } catch { throw Failure.notReady(switchesReady: ready, of: switches) }
                timeout.cancel()
                ready += 1
            }
        } catch {
            for link in links { try? await link.channel.close() }
            throw error
        }
        return LoadGenerator(links: links)
    }

    /// One measured phase: every switch starts, runs `duration`, stops.
    func run(window: Int, duration: Duration) async throws -> [EmulatedSwitch.Statistics] {
        for link in links {
            let handler = link.handler
            link.channel.eventLoop.execute { handler.value.begin(window: window) }
        }
        try await Task.sleep(for: duration)
        var results: [EmulatedSwitch.Statistics] = []
        for link in links {
            let handler = link.handler
            results.append(try await link.channel.eventLoop.submit { handler.value.end() }.get())
        }
        return results
    }

    func close() async {
        for link in links { try? await link.channel.close() }
    }
}
