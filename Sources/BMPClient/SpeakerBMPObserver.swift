import BGPSpeaker
import Logging

/// Feeds a `BMPClient` from a speaker: register it with `Speaker.addObserver`.
public struct SpeakerBMPObserver: SpeakerObserver {
    public let client: BMPClient
    public let mapping: SpeakerBMPMapping

    public init(client: BMPClient, mapping: SpeakerBMPMapping) {
        self.client = client
        self.mapping = mapping
    }

    public func speaker(_ event: SpeakerEvent, at time: WallTime) {
        guard client.isConnected else { return }
        client.send(mapping.messages(for: event, at: time))
    }
}

extension BMPClient {
    /// Monitors `speaker` through a new client: its sessions, Adj-RIBs-In
    /// and Loc-RIB go to the collector from now on. All a daemon needs.
    /// `adjRIBOut`: also what each peer is sent (RFC 8671), from the next UPDATE on.
    public static func monitoring(_ speaker: Speaker, _ configuration: Configuration, adjRIBOut: Bool = false, logger: Logger) async -> BMPClient {
        let c = await speaker.configuration
        let mapping = SpeakerBMPMapping(localAS: c.localAS, routerID: c.routerID, adjRIBOut: adjRIBOut)
        let client = BMPClient(configuration, logger: logger,
                               greeting: { mapping.messages(for: await speaker.monitoringSnapshot(), at: .now()) },
                               statistics: { mapping.messages(for: await speaker.monitoringStatistics(), at: .now()) })
        await speaker.addObserver(SpeakerBMPObserver(client: client, mapping: mapping))
        client.start()
        return client
    }
}
