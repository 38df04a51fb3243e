import Foundation
import NIOCore
import Packets
import Pcap
import Testing
import TestSupport

/// `swiftplanectl decode pcap`: one JSON object per frame whose fields agree
/// with tshark; a file that is not a capture exits 1 with libpcap's message.
/// libpcap's message for a file it cannot open as a capture; nil if it can.
private func openError(_ path: String) -> String? {
    do {
        _ = try PcapReader(path: path)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct DecodePcapCommandTests {
    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil && Command.which("tshark") != nil, "swiftplanectl is not built (swift build --build-tests); or tshark is not installed"))
    func printsOneObjectPerFrameAgreeingWithWireshark() throws {
        let ctl = try #require(Command.builtProduct("swiftplanectl"), "swiftplanectl is not built (run swift build first), although its check at the start said it was")
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("samples.pcap").path
        try PcapWriter.write(samples.map(\.bytes), to: path)
        let result = try Command.run(ctl, ["decode", "pcap", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == samples.count)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["frame"] as? Int } == Array(1...samples.count))
        #expect(objects.allSatisfy { $0["error"] == nil })
        let wireshark = try #require(try Tshark.decode(pcap: path), "tshark is not installed, although its check at the start said it was")
        for (object, layers) in zip(objects, wireshark) {
            let theirs = Tshark.fields(layers)
            let ethernet = object["ethernet"] as? [String: Any]
            #expect(ethernet?["source"] as? String == theirs["eth.src"]?.first)
            #expect(ethernet?["destination"] as? String == theirs["eth.dst"]?.first)
            let vlans = (ethernet?["vlan"] as? [[String: Any]] ?? []).compactMap { $0["vid"] as? Int }.map(String.init)
            #expect(vlans == (theirs["ieee8021ad.id"] ?? []) + (theirs["vlan.id"] ?? []))
            if let vni = theirs["vxlan.vni"] {
                let vxlan = object["vxlan"] as? [String: Any]
                #expect((vxlan?["vni"] as? Int).map(String.init) == vni.first)
                let inner = (vxlan?["inner"] as? [String: Any])?["ethernet"] as? [String: Any]
                #expect(inner?["source"] as? String == theirs["eth.src"]?.last)
            }
            if let target = theirs["arp.dst.proto_ipv4"]?.last {
                let arp = (object["arp"] ?? ((object["vxlan"] as? [String: Any])?["inner"] as? [String: Any])?["arp"]) as? [String: Any]
                #expect(arp?["target_ip"] as? String == target)
            }
            if let target = theirs["icmpv6.nd.na.target_address"] {
                #expect((object["neighbor_advertisement"] as? [String: Any])?["target"] as? String == target.first)
            }
            if let port = theirs["udp.dstport"]?.first {
                #expect(((object["udp"] as? [String: Any])?["destination_port"] as? Int).map(String.init) == port)
            }
        }
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"), arguments: ["not a capture\n", ""])
    func notACaptureExitsOneWithLibpcapsMessage(content: String) throws {
        let ctl = try #require(Command.builtProduct("swiftplanectl"), "swiftplanectl is not built (run swift build first), although its check at the start said it was")
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("junk.txt").path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let result = try Command.run(ctl, ["decode", "pcap", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        // The message is libpcap's own, the same our reader reports.
        let message = try #require(openError(path))
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"))
    func helpShowsAnExample() throws {
        let ctl = try #require(Command.builtProduct("swiftplanectl"), "swiftplanectl is not built (run swift build first), although its check at the start said it was")
        let result = try Command.run(ctl, ["decode", "pcap", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("swiftplanectl decode pcap "))
        #expect(result.stdout.contains("Example"))
    }
}
