import NIOCore
import Packets
import Testing

/// Tag stacks a request may arrive with; the answer must carry the same.
let tagStacks: [[VLANTag]] = [[], [VLANTag(vid: 100, priority: 3)], [VLANTag(tpid: .qinq, vid: 20), VLANTag(vid: 4094)]]

/// Decodes an answer and checks its addressing and that it kept `tags`.
private func decodeAnswer(_ bytes: ByteBuffer?, from source: EthernetAddress, to destination: EthernetAddress,
                          tags: [VLANTag]) throws -> DecodedFrame {
    let frame = try DecodedFrame(decoding: try #require(bytes, "no answer built"))
    #expect(frame.ethernet.destination == destination && frame.ethernet.source == source)
    #expect([frame.ethernet.outerTag, frame.ethernet.innerTag].compactMap { $0 } == tags)
    return frame
}

@Suite struct ReplyBuilderTests {
    @Test(arguments: tagStacks)
    func arpReplyAnswersTheRequest(tags: [VLANTag]) throws {
        let request = FrameBuilder.arpRequest(senderHardwareAddress: hostA, senderAddress: ipA, target: ipB, tags: tags)
        let frame = try decodeAnswer(try FrameBuilder.arpReply(answering: request, hardwareAddress: hostB), from: hostB, to: hostA, tags: tags)
        guard case let .arp(arp)? = frame.network else {
            Issue.record("not ARP: \(frame)")
            return
        }
        #expect(arp.operation == .reply)
        #expect(arp.senderHardwareAddress == hostB && arp.senderProtocolAddress == ipB)
        #expect(arp.targetHardwareAddress == hostA && arp.targetProtocolAddress == ipA)
        #expect(!arp.isGratuitous)
    }

    @Test(arguments: tagStacks)
    func gratuitousARPAnnounces(tags: [VLANTag]) throws {
        let frame = try decodeAnswer(FrameBuilder.gratuitousARP(hardwareAddress: hostA, address: ipA, tags: tags),
                                     from: hostA, to: .broadcast, tags: tags)
        guard case let .arp(arp)? = frame.network else {
            Issue.record("not ARP: \(frame)")
            return
        }
        #expect(arp.isGratuitous && arp.senderHardwareAddress == hostA && arp.senderProtocolAddress == ipA)
    }

    @Test(arguments: tagStacks)
    func neighborAdvertisementAnswersTheSolicitation(tags: [VLANTag]) throws {
        let ns = FrameBuilder.neighborSolicitation(sourceHardwareAddress: hostA, sourceAddress: ip6A, target: ip6B, tags: tags)
        let frame = try decodeAnswer(try FrameBuilder.neighborAdvertisement(answering: ns, hardwareAddress: hostB),
                                     from: hostB, to: hostA, tags: tags)
        guard case let .ipv6(ip)? = frame.network, case let .icmpv6(icmp)? = frame.transport,
              case let .neighborDiscovery(.advertisement(adv))? = frame.application else {
            Issue.record("not an NA: \(frame)")
            return
        }
        #expect(ip.source == ip6B && ip.destination == ip6A && ip.hopLimit == 255)
        #expect(adv.target == ip6B && adv.isSolicited && adv.isOverride && !adv.isRouter)
        #expect(adv.options.targetLinkLayerAddress == hostB)
        #expect(icmp.isChecksumValid(source: ip.source, destination: ip.destination))
    }

    /// Frames that are not the matching request get no answer (nil), not an error.
    @Test(arguments: samples.filter { $0.name != "ARP request" && !$0.name.hasPrefix("ARP request in") && $0.name != "gratuitous ARP" })
    func noARPReplyToOtherFrames(sample: Sample) throws {
        #expect(try FrameBuilder.arpReply(answering: sample.bytes, hardwareAddress: hostB) == nil)
    }

    @Test(arguments: samples.filter { $0.name != "neighbour solicitation" })
    func noAdvertisementForOtherFrames(sample: Sample) throws {
        #expect(try FrameBuilder.neighborAdvertisement(answering: sample.bytes, hardwareAddress: hostB) == nil)
    }

    /// The ICMPv6 checksum is checked independently of tshark: flipping any
    /// byte of the advertisement's ICMPv6 part makes it invalid.
    @Test func advertisementChecksumCoversTheMessage() throws {
        let ns = FrameBuilder.neighborSolicitation(sourceHardwareAddress: hostA, sourceAddress: ip6A, target: ip6B)
        let na = try #require(try FrameBuilder.neighborAdvertisement(answering: ns, hardwareAddress: hostB))
        let bytes = Array(na.readableBytesView)
        for index in 54..<bytes.count where !(56..<58).contains(index) {
            var changed = bytes
            changed[index] ^= 0x01
            let frame = try DecodedFrame(decoding: ByteBuffer(bytes: changed))
            if case let .ipv6(ip)? = frame.network, case let .icmpv6(icmp)? = frame.transport {
                #expect(!icmp.isChecksumValid(source: ip.source, destination: ip.destination), "byte \(index)")
            }
        }
    }
}
