import BGP
import BGPSpeaker
import Logging
import Testing
import TestSupport

extension Speaker {
    /// The reflector of the interop tests, in this process: AS 65000, router
    /// and cluster id 127.0.0.1, on 127.0.0.1 (a free port), accepting peers
    /// from `range`, logging warnings and worse.
    static func interopReflector(accepting range: String) -> Speaker {
        var logger = Logger(label: "test.rr")
        logger.logLevel = .warning
        return Speaker(SpeakerConfiguration(localAS: 65000, routerID: IPv4Address(127, 0, 0, 1), clusterID: IPv4Address(127, 0, 0, 1),
                                            listenHost: "127.0.0.1", listenPort: 0, accept: [NeighborRange(range)].compactMap { $0 }),
                       logger: logger)
    }
}

/// The interop reflector between GoBGP daemons, as the GoBGP and IPv6 next
/// hop suites set it up: a GoBGP originator (.2), a GoBGP receiver (.3) and,
/// when FRR is installed, FRR as a second receiver (.4), all in
/// 127.`block`.`net`.0/24 (`net` random) and dialling the reflector.
struct ReflectedGoBGP {
    let speaker: Speaker
    let originator: GoBGPDaemon
    let receiver: GoBGPDaemon
    let frr: FRRDaemon?

    /// Starts them all and waits up to 30 s for every session; nil, with an
    /// issue recorded and everything stopped, when they did not all come up.
    static func start(block: UInt8) async throws -> ReflectedGoBGP? {
        let net = UInt8.random(in: 10...250)
        let speaker = Speaker.interopReflector(accepting: "127.\(block).0.0/16")
        let port = try await speaker.start().port ?? 0
        // Each daemon started is stopped again if a later one fails to start.
        var daemons: [() -> Void] = []
        let started: ReflectedGoBGP
        do {
            let originator = try GoBGPDaemon(address: "127.\(block).\(net).2", peer: "127.0.0.1", peerPort: port)
            daemons.append(originator.stop)
            let receiver = try GoBGPDaemon(address: "127.\(block).\(net).3", peer: "127.0.0.1", peerPort: port)
            daemons.append(receiver.stop)
            let frr = FRRDaemon.available ? try FRRDaemon(address: "127.\(block).\(net).4", peer: "127.0.0.1", peerPort: port) : nil
            started = ReflectedGoBGP(speaker: speaker, originator: originator, receiver: receiver, frr: frr)
        } catch {
            for stop in daemons { stop() }
            await speaker.shutdown()
            throw error
        }
        let peers = started.frr == nil ? 2 : 3
        let up = await eventually(30, every: .milliseconds(200)) { await speaker.neighbors().filter { $0.state == .established }.count == peers }
        #expect(up, "sessions did not come up: \(started.originator.log.suffix(500))")
        guard up else {
            await speaker.shutdown()
            started.stopDaemons()
            return nil
        }
        return started
    }

    /// The type-2 and the type-3 route the GoBGP receiver holds, each path
    /// with its NLRI's value, once it holds two routes (10 s at most; an
    /// issue is recorded when it does not).
    func receivedType2AndType3() async throws -> (type2: (path: [String: Any], nlri: [String: Any]),
                                                   type3: (path: [String: Any], nlri: [String: Any])) {
        var rib: [String: [[String: Any]]] = [:]
        let arrived = try await eventually(10, every: .milliseconds(200)) {
            rib = try receiver.evpnRIB()
            return rib.count == 2
        }
        #expect(arrived, "receiver has \(rib.keys.sorted())")
        let byType = GoBGPInteropTests.pathsByType(rib)
        return (try #require(byType[2]), try #require(byType[3]))
    }

    func stopDaemons() {
        originator.stop()
        receiver.stop()
        frr?.stop()
    }
}
