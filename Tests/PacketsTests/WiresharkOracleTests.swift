import Foundation
import NIOCore
import Packets
import Pcap
import Testing
import TestSupport

/// Captures checked into Fixtures/ (pcap and pcapng), once they exist.
let fixtureCaptures: [String] = Repository.files(in: Repository.fixtures)
    .filter { $0.pathExtension == "pcap" || $0.pathExtension == "pcapng" }
    .map(\.path)


/// Decodes every frame of `pcap` with this module and with tshark and
/// compares the fields both know. Returns how many frames were compared,
/// or nil when tshark is absent.
func compareWithWireshark(pcap: String) throws -> Int? {
    let reader = try PcapReader(path: pcap)
    let linkType = reader.linkType
    let frames = try reader.readAll()
    reader.close()
    guard linkType == .ethernet else {
        Issue.record("\(pcap): link type \(linkType); captures must be taken on an Ethernet interface (tcpdump -i IFACE, not -i any)")
        return frames.count
    }
    guard let wireshark = try Tshark.decode(pcap: pcap) else { return nil }
    #expect(wireshark.count == frames.count)
    for (index, (frame, layers)) in zip(frames, wireshark).enumerated() {
        let decoded: DecodedFrame
        do {
            decoded = try DecodedFrame(decoding: frame.data)
        } catch {
            Issue.record("frame \(index + 1) of \(pcap): \(error)")
            continue
        }
        #expect(decoded.firstError == nil, "frame \(index + 1) of \(pcap): \(String(describing: decoded.firstError))")
        let ours = ourFields(decoded)
        var theirs = Tshark.fields(layers)
        // Redirects (137) also carry link-layer options; this module decodes
        // options for RS, RA, NS and NA only.
        if let types = theirs["icmpv6.type"], types.contains("137") {
            theirs["icmpv6.opt.linkaddr"] = nil
        }
        for field in comparedFields where (ours[field] ?? []) != (theirs[field] ?? []) {
            Issue.record("frame \(index + 1) of \(URL(fileURLWithPath: pcap).lastPathComponent): \(field): ours \(ours[field] ?? []), tshark \(theirs[field] ?? [])")
        }
    }
    return frames.count
}

@Suite struct WiresharkOracleTests {
    /// Our built frames, written with our pcap writer, decoded by both.
    @Test(.enabled(if: Command.which("tshark") != nil, "tshark is not installed (apt install tshark)"))
    func builtSamplesMatchWireshark() throws {
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("samples.pcap").path
        try PcapWriter.write(samples.map(\.bytes), to: path)
        let count = try #require(try compareWithWireshark(pcap: path), "tshark is not installed (apt install tshark), although its check at the start said it was")
        #expect(count == samples.count)
    }

    /// Every captured fixture, frame by frame.
    @Test(.enabled(if: Command.which("tshark") != nil, "tshark is not installed (apt install tshark)"), arguments: fixtureCaptures)
    func fixtureMatchesWireshark(pcap: String) throws {
        let count = try #require(try compareWithWireshark(pcap: pcap), "tshark is not installed (apt install tshark), although its check at the start said it was")
        #expect(count > 0, "\(pcap) holds no frames")
    }

    /// Replies built for packet-out: tshark finds nothing malformed, no bad
    /// checksum, no warning. One capture and one tshark run for all of them.
    @Test(.enabled(if: Command.which("tshark") != nil, "tshark is not installed (apt install tshark)"))
    func builtFramesHaveNoExpertInfo() throws {
        let names = ["ARP reply (builder)", "gratuitous ARP", "neighbour advertisement (builder)", "neighbour solicitation",
                     "VXLAN VNI 16777215 carrying NS over IPv6 underlay", "IPv4 with options"]
        let built = samples.filter { names.contains($0.name) }
        #expect(built.count == names.count)
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("built.pcap").path
        try PcapWriter.write(built.map(\.bytes), to: path)
        let decoded = try #require(try Tshark.decode(pcap: path), "tshark is not installed (apt install tshark), although its check at the start said it was")
        #expect(decoded.count == built.count)
        for (sample, layers) in zip(built, decoded) {
            #expect(Tshark.expertMessages(layers) == [], "\(sample.name)")
            #expect(layers["_ws.malformed"] == nil, "\(sample.name)")
        }
    }

    /// A duplicate-address-detection solicitation (from ::) is answered to all nodes, unsolicited.
    @Test func advertisementAnsweringDADGoesToAllNodes() throws {
        let dad = FrameBuilder.neighborSolicitation(sourceHardwareAddress: hostA, sourceAddress: .unspecified, target: ip6B)
        let na = try #require(try FrameBuilder.neighborAdvertisement(answering: dad, hardwareAddress: hostB))
        let frame = try DecodedFrame(decoding: na)
        #expect(frame.ethernet.destination == EthernetAddress("33:33:00:00:00:01"))
        guard case let .ipv6(ip)? = frame.network, case let .neighborDiscovery(.advertisement(adv))? = frame.application,
              case let .icmpv6(icmp)? = frame.transport else {
            Issue.record("not an NA: \(frame)")
            return
        }
        #expect(ip.destination == .allNodes)
        #expect(ip.hopLimit == 255)
        #expect(!adv.isSolicited && adv.isOverride)
        #expect(icmp.isChecksumValid(source: ip.source, destination: ip.destination))
    }
}
