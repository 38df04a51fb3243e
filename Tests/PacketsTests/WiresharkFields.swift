import Foundation
import NIOCore
import Packets
import TestSupport

/// Field name -> values, outermost first (a VXLAN frame has two eth.dst).
typealias FieldMap = [String: [String]]

/// The Wireshark fields the oracle comparison covers. For each frame, every
/// one of these must have the same values in our decode and in tshark's.
let comparedFields: [String] = [
    "eth.dst", "eth.src", "eth.type", "vlan.id", "vlan.etype", "ieee8021ad.id",
    "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
    "ip.src", "ip.dst", "ip.proto", "ip.checksum.status",
    "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "icmp.type", "icmp.checksum.status",
    "icmpv6.type", "icmpv6.checksum.status", "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address",
    "icmpv6.opt.linkaddr",
    "udp.srcport", "udp.dstport", "udp.checksum.status",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.checksum.status",
    "vxlan.vni",
    "dhcp.hw.mac_addr", "dhcp.option.dhcp",
]

/// Layers that, nested inside another layer (an ICMP error quoting an IP
/// header), would mix a quoted header into the frame's own fields.
private let layerNames: Set<String> = ["eth", "vlan", "ieee8021ad", "arp", "ip", "ipv6", "icmp", "icmpv6", "udp", "tcp", "vxlan", "dhcp"]

enum Tshark {
    /// tshark's decode of every frame of `pcap`, with checksum checks on.
    /// Nil when tshark is not installed.
    static func decode(pcap: String) throws -> [[String: Any]]? {
        guard let tshark = Command.which("tshark") else { return nil }
        let result = try Command.run(tshark, [
            "-r", pcap, "-T", "json", "--no-duplicate-keys",
            "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
        ])
        guard result.status == 0 else { throw TsharkFailure(message: result.stderr) }
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        guard let packets = json as? [[String: Any]] else { throw TsharkFailure(message: "not a JSON array") }
        return packets.map { (($0["_source"] as? [String: Any])?["layers"] as? [String: Any]) ?? [:] }
    }

    /// The compared fields of one frame's layers.
    static func fields(_ layers: [String: Any]) -> FieldMap {
        var out = FieldMap()
        let wanted = Set(comparedFields)
        func walk(_ value: Any, key: String, depth: Int) {
            if let dict = value as? [String: Any] {
                for (k, v) in dict where !(depth > 0 && layerNames.contains(k)) { walk(v, key: k, depth: depth + 1) }
            } else if let array = value as? [Any] {
                for v in array { walk(v, key: key, depth: depth) }
            } else if let s = value as? String, wanted.contains(key) {
                out[key, default: []].append(s)
            }
        }
        // Top-level layers (arrays when a layer repeats, as in VXLAN) are depth 0.
        for (name, layer) in layers {
            if let array = layer as? [Any] { for l in array { walk(l, key: name, depth: 0) } } else { walk(layer, key: name, depth: 0) }
        }
        return out
    }

    /// Every expert-info message tshark attached to a frame (malformed,
    /// bad checksum, ...), with the fields that carry them.
    static func expertMessages(_ layers: [String: Any]) -> [String] {
        var out: [String] = []
        func walk(_ value: Any, key: String) {
            if let dict = value as? [String: Any] {
                for (k, v) in dict { walk(v, key: k) }
            } else if let array = value as? [Any] {
                for v in array { walk(v, key: key) }
            } else if let s = value as? String, key == "_ws.expert.message" || key == "_ws.malformed" {
                out.append(s)
            }
        }
        walk(layers, key: "")
        return out
    }
}

struct TsharkFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "tshark failed: \(message)" }
}

/// The same fields from our decode, named and formatted as Wireshark does.
func ourFields(_ frame: DecodedFrame) -> FieldMap {
    var out = FieldMap()
    appendFields(of: frame, to: &out)
    return out
}

private func appendFields(of frame: DecodedFrame, to out: inout FieldMap) {
    func add(_ key: String, _ value: String) { out[key, default: []].append(value) }
    func status(_ good: Bool) -> String { good ? "1" : "0" }
    let e = frame.ethernet
    add("eth.dst", e.destination.description)
    add("eth.src", e.source.description)
    add("eth.type", (e.outerTag?.tpid ?? e.etherType).description)
    for (tag, next) in [(e.outerTag, e.innerTag?.tpid ?? e.etherType), (e.innerTag, e.etherType)] {
        guard let tag else { continue }
        if tag.tpid == .qinq {
            add("ieee8021ad.id", String(tag.vid))
        } else {
            add("vlan.id", String(tag.vid))
            add("vlan.etype", next.description)
        }
    }
    var pseudo: (IPAddress, IPAddress)? = nil
    switch frame.network {
    case .arp(let a):
        add("arp.opcode", String(a.operation.rawValue))
        add("arp.src.hw_mac", a.senderHardwareAddress.description)
        add("arp.src.proto_ipv4", a.senderProtocolAddress.description)
        add("arp.dst.hw_mac", a.targetHardwareAddress.description)
        add("arp.dst.proto_ipv4", a.targetProtocolAddress.description)
    case .ipv4(let ip):
        add("ip.src", ip.source.description)
        add("ip.dst", ip.destination.description)
        add("ip.proto", ip.protocol.description)
        add("ip.checksum.status", status(ip.isHeaderChecksumValid))
        pseudo = (.v4(ip.source), .v4(ip.destination))
    case .ipv6(let ip):
        add("ipv6.src", ip.source.description)
        add("ipv6.dst", ip.destination.description)
        add("ipv6.nxt", ip.nextHeader.description)
        pseudo = (.v6(ip.source), .v6(ip.destination))
    case nil:
        break
    }
    switch frame.transport {
    case .icmpv4(let icmp):
        add("icmp.type", String(icmp.type))
        add("icmp.checksum.status", status(icmp.isChecksumValid))
    case .icmpv6(let icmp):
        add("icmpv6.type", String(icmp.type))
        if case let (.v6(s), .v6(d))? = pseudo { add("icmpv6.checksum.status", status(icmp.isChecksumValid(source: s, destination: d))) }
    case .udp(let udp):
        add("udp.srcport", String(udp.sourcePort))
        add("udp.dstport", String(udp.destinationPort))
        if let (s, d) = pseudo {
            if udp.checksum == 0, case .v4 = s {
                add("udp.checksum.status", "3")  // Wireshark: "not present"
            } else {
                add("udp.checksum.status", status(udp.computedChecksum(source: s, destination: d) == udp.checksum))
            }
        }
    case .tcp(let tcp):
        add("tcp.srcport", String(tcp.sourcePort))
        add("tcp.dstport", String(tcp.destinationPort))
        add("tcp.seq_raw", String(tcp.sequenceNumber))
        if let (s, d) = pseudo {
            add("tcp.checksum.status", status(tcp.computedChecksum(source: s, destination: d) == tcp.checksum))
        }
    case nil:
        break
    }
    switch frame.application {
    case let .vxlan(header, inner):
        add("vxlan.vni", String(header.vni))
        appendFields(of: inner, to: &out)
    case .dhcp(let dhcp):
        add("dhcp.hw.mac_addr", dhcp.clientHardwareAddress.description)
        if let type = dhcp.messageType { add("dhcp.option.dhcp", String(type)) }
    case .neighborDiscovery(let nd):
        switch nd {
        case .solicitation(let ns):
            add("icmpv6.nd.ns.target_address", ns.target.description)
            if let mac = ns.options.sourceLinkLayerAddress { add("icmpv6.opt.linkaddr", mac.description) }
        case .advertisement(let na):
            add("icmpv6.nd.na.target_address", na.target.description)
            if let mac = na.options.targetLinkLayerAddress { add("icmpv6.opt.linkaddr", mac.description) }
        case .routerSolicitation(let options):
            if let mac = options.sourceLinkLayerAddress { add("icmpv6.opt.linkaddr", mac.description) }
        case .routerAdvertisement(let ra):
            if let mac = ra.options.sourceLinkLayerAddress { add("icmpv6.opt.linkaddr", mac.description) }
        }
    case nil:
        break
    }
}
