import NetAddress

/// A local endpoint port: a port of a bridge that belongs to a tenant. The
/// tenant comes from `external_ids:vni`, else from the port's VLAN `tag`;
/// the MAC and IPs from `external_ids:attached-mac` and `external_ids:ip`
/// (comma-separated, IPv4 or IPv6) when the orchestrator set them. Each key
/// is read from the Port row, else from its Interface row: libvirt writes
/// `attached-mac` and `iface-id` on the Interface, containers' tools on both,
/// and a key on the Port wins.
public struct AttachedPort: Sendable, Hashable, CustomStringConvertible {
    public var bridge: String
    public var name: String
    /// Nil until ovs-vswitchd assigns the OpenFlow port (or when it failed).
    public var ofport: UInt32?
    /// The VXLAN network identifier (24 bits).
    public var vni: UInt32
    public var mac: EthernetAddress?
    public var ips: [IPAddress]
    /// `external_ids:iface-id`: the orchestrator's name for the attachment
    /// (libvirt's interface id, a CNI container id), when set.
    public var ifaceID: String?

    public init(
        bridge: String, name: String, ofport: UInt32?, vni: UInt32, mac: EthernetAddress?, ips: [IPAddress], ifaceID: String? = nil
    ) {
        self.bridge = bridge
        self.name = name
        self.ofport = ofport
        self.vni = vni
        self.mac = mac
        self.ips = ips
        self.ifaceID = ifaceID
    }

    public var description: String {
        let port = ofport.map(String.init) ?? "-"
        let addresses = ips.map(\.description).joined(separator: ",")
        let iface = ifaceID.map { " iface-id=\($0)" } ?? ""
        return "\(bridge)/\(name) ofport=\(port) vni=\(vni) mac=\(mac?.description ?? "-") ip=\(addresses.isEmpty ? "-" : addresses)\(iface)"
    }
}

/// A port whose tenant or address settings cannot be used: names the port,
/// the field (`external_ids:vni`, `tag`, ...) and the offending value.
public struct AttachedPortError: Error, Sendable, Hashable, CustomStringConvertible {
    public var bridge: String
    public var port: String
    public var field: String
    public var value: String
    public var reason: String

    public var description: String { "\(bridge)/\(port): \(field)=\"\(value)\": \(reason)" }
}

extension AttachedPort {
    /// The largest VNI: 24 bits (RFC 7348).
    public static let maximumVNI: UInt32 = 0xff_ffff

    /// Derives the attached port from its rows; nil when the port belongs to
    /// no tenant (neither `vni` nor `tag`).
    public static func derive(bridge: String, port: PortRow, interface: InterfaceRow?) throws(AttachedPortError) -> AttachedPort? {
        // A key of the Port row, else of the Interface row; the field named in
        // errors says which row the value came from.
        func externalID(_ key: String) -> (field: String, value: String)? {
            if let value = port.externalIDs[key] { return ("external_ids:\(key)", value) }
            if let value = interface?.externalIDs[key] { return ("Interface external_ids:\(key)", value) }
            return nil
        }
        func failure(_ field: String, _ value: String, _ reason: String) -> AttachedPortError {
            AttachedPortError(bridge: bridge, port: port.name, field: field, value: value, reason: reason)
        }
        let vni: UInt32
        if let (field, text) = externalID("vni") {
            guard let v = UInt32(text), v <= maximumVNI else {
                throw failure(field, text, "not a decimal VNI in 0...\(maximumVNI)")
            }
            vni = v
        } else if let tag = port.tag {
            guard (0...4095).contains(tag) else { throw failure("tag", String(tag), "not a VLAN id in 0...4095") }
            vni = UInt32(tag)
        } else {
            return nil
        }
        var mac: EthernetAddress?
        if let (field, text) = externalID("attached-mac") {
            guard let m = EthernetAddress(text) else { throw failure(field, text, "not a MAC address") }
            mac = m
        }
        var ips: [IPAddress] = []
        if let (field, text) = externalID("ip") {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = part.trimmingSpaces
                guard let address = IPAddress(trimmed) else {
                    throw failure(field, text, "\"\(trimmed)\" is not an IPv4 or IPv6 address")
                }
                ips.append(address)
            }
        }
        // OpenFlow port numbers 1...0xffffff00; -1 (failed) and unset read as nil.
        let ofport = interface?.ofport.flatMap { $0 >= 1 && $0 <= 0xffff_ff00 ? UInt32($0) : nil }
        return AttachedPort(bridge: bridge, name: port.name, ofport: ofport, vni: vni, mac: mac, ips: ips, ifaceID: externalID("iface-id")?.value)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
