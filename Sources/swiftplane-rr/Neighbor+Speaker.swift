import BGPSpeaker
import ReflectorConfiguration

extension ConfigurationFile.Neighbor {
    /// The file's neighbour as the speaker takes it: an iBGP peer in `peerAS`.
    func configuration(peerAS: UInt32) -> NeighborConfiguration {
        NeighborConfiguration(address: address, port: port, peerAS: peerAS, passive: passive, password: password)
    }
}
