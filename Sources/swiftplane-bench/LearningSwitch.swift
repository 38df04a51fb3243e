import NIOCore
import OpenFlow
import OpenFlowController

/// The benchmark's controller application, the same behaviour as os-ken's
/// simple_switch_13: learn (datapath, source MAC) -> in_port; if the
/// destination is known install a flow for it (in_port, eth_src, eth_dst ->
/// output) and send the frame there, else flood it.
struct LearningSwitch {
    /// Entries per datapath before its table is forgotten and relearned:
    /// random source MACs must not grow memory without bound.
    static let maximumEntries = 1 << 16

    private var tables: [DatapathID: [UInt64: UInt32]] = [:]

    enum Decision: Equatable {
        case flood
        case forward(port: UInt32)
    }

    /// What to do with a frame that came in on `inPort`; nil for a frame
    /// too short to hold an Ethernet header.
    mutating func decide(datapathID: DatapathID, inPort: UInt32, frame: ByteBuffer) -> (source: UInt64, destination: UInt64, Decision)? {
        let at = frame.readerIndex
        guard let dstHigh = frame.getInteger(at: at, as: UInt16.self), let dstLow = frame.getInteger(at: at &+ 2, as: UInt32.self),
              let srcHigh = frame.getInteger(at: at &+ 6, as: UInt16.self), let srcLow = frame.getInteger(at: at &+ 8, as: UInt32.self)
        else { return nil }
        let destination = UInt64(dstHigh) << 32 | UInt64(dstLow)
        let source = UInt64(srcHigh) << 32 | UInt64(srcLow)
        // One lookup of the datapath's table, changed in place.
        let port = Self.learn(&tables[datapathID, default: [:]], source: source, inPort: inPort, destination: destination)
        guard let port else { return (source, destination, .flood) }
        return (source, destination, .forward(port: port))
    }

    /// Records where `source` is and returns where `destination` is, if known.
    private static func learn(_ table: inout [UInt64: UInt32], source: UInt64, inPort: UInt32, destination: UInt64) -> UInt32? {
        if table.count >= maximumEntries { table = [:] }
        table[source] = inPort
        return table[destination]
    }

    /// The messages answering one packet-in: a FLOW_MOD then a PACKET_OUT,
    /// or just a flooding PACKET_OUT.
    mutating func answer(_ event: PacketInEvent) -> [OpenFlowMessage] {
        answer(datapathID: event.datapathID, event.packetIn)
    }

    mutating func answer(datapathID: DatapathID, _ packetIn: PacketIn) -> [OpenFlowMessage] {
        guard let inPort = packetIn.inPort,
              let (source, destination, decision) = decide(datapathID: datapathID, inPort: inPort, frame: packetIn.data)
        else { return [] }
        switch decision {
        case .flood:
            return [.packetOut(PacketOut(inPort: inPort, actions: [.output(OpenFlowPort.flood)], data: packetIn.data))]
        case let .forward(port):
            let match = Match([OXMField(.inPort, UInt64(inPort)), OXMField(.ethDst, destination), OXMField(.ethSrc, source)])
            let flow = FlowMod(priority: 1, match: match, instructions: [.applyActions([.output(port)])])
            return [.flowMod(flow), .packetOut(PacketOut(inPort: inPort, actions: [.output(port)], data: packetIn.data))]
        }
    }
}
