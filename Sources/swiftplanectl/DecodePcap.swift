import ArgumentParser
import ExecutableSupport
import Foundation
import NIOCore
import Packets
import Pcap

struct DecodePcap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pcap",
        abstract: "Decode every frame of a pcap or pcapng capture to JSON, one object per line.",
        discussion: """
            Each line holds the frame number, timestamp, lengths and the decoded layers \
            (ethernet with VLAN tags, arp, ipv4, ipv6, tcp, udp, icmpv4, icmpv6, \
            neighbor_solicitation/advertisement, router_solicitation/advertisement, vxlan with its inner frame, dhcp). \
            A layer that does not decode stops the walk and is named in "error".

            Example:
              swiftplanectl decode pcap Fixtures/arp.pcap | jq -c '{frame, arp}'
            """
    )

    @Argument(help: "The capture file (pcap or pcapng, Ethernet link type).")
    var file: String

    @Flag(help: "Indent each object over several lines.")
    var pretty = false

    func run() throws {
        let reader: PcapReader
        do {
            reader = try PcapReader(path: file)
        } catch {
            printError("swiftplanectl: \(file): \(error.message)")
            throw ExitCode.failure
        }
        defer { reader.close() }
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        var number = 0
        while true {
            let next: PcapFrame?
            do {
                next = try reader.next()
            } catch {
                printError("swiftplanectl: \(file): \(error.message)")
                throw ExitCode.failure
            }
            guard let frame = next else { break }
            number += 1
            var object: [String: Any] = [
                "frame": number,
                "time": frame.timestamp.description,
                "captured_length": frame.capturedLength,
                "original_length": frame.originalLength,
            ]
            if frame.linkType != .ethernet {
                object["error"] = "link type \(frame.linkType) is not Ethernet"
            } else {
                do {
                    object.merge(FrameJSON.layers(try DecodedFrame(decoding: frame.data))) { $1 }
                } catch {
                    object["error"] = error.description
                }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: options)
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}

/// The JSON form of a decoded frame: one key per layer.
enum FrameJSON {
    static func layers(_ frame: DecodedFrame) -> [String: Any] {
        var out: [String: Any] = ["ethernet": ethernet(frame.ethernet)]
        switch frame.network {
        case .arp(let a):
            out["arp"] = [
                "operation": a.operation.description, "sender_mac": a.senderHardwareAddress.description,
                "sender_ip": a.senderProtocolAddress.description, "target_mac": a.targetHardwareAddress.description,
                "target_ip": a.targetProtocolAddress.description, "gratuitous": a.isGratuitous,
            ] as [String: Any]
        case .ipv4(let ip):
            out["ipv4"] = [
                "source": ip.source.description, "destination": ip.destination.description,
                "protocol": Int(ip.protocol.rawValue), "ttl": Int(ip.timeToLive), "total_length": Int(ip.totalLength),
                "identification": Int(ip.identification), "dont_fragment": ip.dontFragment,
                "more_fragments": ip.moreFragments, "fragment_offset": Int(ip.fragmentOffset),
                "options_length": ip.options.readableBytes, "checksum_valid": ip.isHeaderChecksumValid,
            ] as [String: Any]
        case .ipv6(let ip):
            out["ipv6"] = [
                "source": ip.source.description, "destination": ip.destination.description,
                "next_header": Int(ip.nextHeader.rawValue), "upper_layer_protocol": Int(ip.upperLayerProtocol.rawValue),
                "hop_limit": Int(ip.hopLimit), "payload_length": Int(ip.payloadLength),
                "flow_label": Int(ip.flowLabel), "extension_headers_length": ip.extensionHeadersLength,
            ] as [String: Any]
        case nil:
            break
        }
        switch frame.transport {
        case .tcp(let t):
            let flags: [(TCPFlags, String)] = [(.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"),
                                               (.urg, "URG"), (.ece, "ECE"), (.cwr, "CWR")]
            out["tcp"] = [
                "source_port": Int(t.sourcePort), "destination_port": Int(t.destinationPort),
                "sequence": Int(t.sequenceNumber), "acknowledgment": Int(t.acknowledgmentNumber),
                "flags": flags.filter { t.flags.contains($0.0) }.map(\.1), "window": Int(t.window),
                "header_length": t.headerLength, "payload_length": t.payload.readableBytes,
            ] as [String: Any]
        case .udp(let u):
            out["udp"] = [
                "source_port": Int(u.sourcePort), "destination_port": Int(u.destinationPort),
                "length": Int(u.length), "payload_length": u.payload.readableBytes,
            ] as [String: Any]
        case .icmpv4(let i):
            var icmp: [String: Any] = ["type": Int(i.type), "code": Int(i.code), "checksum_valid": i.isChecksumValid]
            if i.isEcho { icmp["identifier"] = Int(i.identifier); icmp["sequence"] = Int(i.sequenceNumber) }
            out["icmpv4"] = icmp
        case .icmpv6(let i):
            var icmp: [String: Any] = ["type": Int(i.type), "code": Int(i.code)]
            if case let .ipv6(ip)? = frame.network {
                icmp["checksum_valid"] = i.isChecksumValid(source: ip.source, destination: ip.destination)
            }
            out["icmpv6"] = icmp
        case nil:
            break
        }
        switch frame.application {
        case let .vxlan(header, inner):
            out["vxlan"] = ["vni": Int(header.vni), "flags": Int(header.flags), "inner": layers(inner)] as [String: Any]
        case .dhcp(let d):
            var dhcp: [String: Any] = ["op": Int(d.op), "transaction_id": Int(d.transactionID),
                                       "client_mac": d.clientHardwareAddress.description]
            if let type = d.messageType { dhcp["message_type"] = Int(type) }
            out["dhcp"] = dhcp
        case .neighborDiscovery(.solicitation(let ns)):
            var o: [String: Any] = ["target": ns.target.description]
            if let mac = ns.options.sourceLinkLayerAddress { o["source_link_layer_address"] = mac.description }
            out["neighbor_solicitation"] = o
        case .neighborDiscovery(.advertisement(let na)):
            var o: [String: Any] = ["target": na.target.description, "router": na.isRouter,
                                    "solicited": na.isSolicited, "override": na.isOverride]
            if let mac = na.options.targetLinkLayerAddress { o["target_link_layer_address"] = mac.description }
            out["neighbor_advertisement"] = o
        case .neighborDiscovery(.routerSolicitation(let options)):
            var o: [String: Any] = [:]
            if let mac = options.sourceLinkLayerAddress { o["source_link_layer_address"] = mac.description }
            out["router_solicitation"] = o
        case .neighborDiscovery(.routerAdvertisement(let ra)):
            var o: [String: Any] = ["hop_limit": Int(ra.currentHopLimit), "managed": ra.isManaged,
                                    "other_configuration": ra.isOtherConfiguration, "router_lifetime": Int(ra.routerLifetime)]
            if let mac = ra.options.sourceLinkLayerAddress { o["source_link_layer_address"] = mac.description }
            out["router_advertisement"] = o
        case nil:
            break
        }
        if let error = frame.error { out["error"] = error.description }
        return out
    }

    static func ethernet(_ e: EthernetFrame) -> [String: Any] {
        var out: [String: Any] = [
            "destination": e.destination.description, "source": e.source.description, "type": e.etherType.description,
        ]
        let tags = [e.outerTag, e.innerTag].compactMap { $0 }
        if !tags.isEmpty {
            out["vlan"] = tags.map { ["tpid": $0.tpid.description, "vid": Int($0.vid), "priority": Int($0.priority)] as [String: Any] }
        }
        return out
    }
}
