import BGP
import BGPSpeaker
import Logging

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
