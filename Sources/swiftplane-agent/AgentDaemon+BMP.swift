import AdminAPI
import AgentConfiguration
import BGPSpeaker
import BMPClient
import NIOCore

extension AgentDaemon {
    /// Starts reporting `speaker` to the collector (RFC 7854): Peer Up with
    /// both OPENs for each reflector session, what the reflectors send
    /// (pre-policy Adj-RIB-In), the Loc-RIB (RFC 9069), Statistics Reports;
    /// a lost collector is dialled again with backoff.
    func monitor(_ speaker: Speaker, to collector: AgentConfiguration.BMPCollector) async -> BMPClient {
        let interval = collector.statisticsInterval.map { TimeAmount.seconds($0.components.seconds) }
        let client = await BMPClient.monitoring(
            speaker,
            BMPClient.Configuration(host: collector.host, port: collector.port, sysName: "swiftplane-agent \(configuration.routerID)",
                                    sysDescr: "swiftplane-agent \(SwiftplaneVersion.text) (EVPN VTEP for Open vSwitch)",
                                    statisticsInterval: interval),
            adjRIBOut: collector.adjRIBOut, logger: logger)
        logger.info("BMP collector configured", metadata: ["collector": "\(client.configuration.collector)"])
        return client
    }
}
