import NetAddress

/// What a call of the plugin does, as values: the checks before anything is
/// made, the commands that make or remove the attachment, the commands that
/// undo a half-made one, and the result. The executable gathers `HostFacts`,
/// runs the IPAM plugin and the steps; everything it decides is here.
public struct AttachmentPlan: Sendable, Hashable {
    public var configuration: NetworkConfiguration
    public var invocation: Invocation

    /// The OVS port and host end of the veth pair, named from the container
    /// id and interface so DEL finds it with no state kept: `sp` and 12 hex
    /// digits of a 64-bit FNV-1a hash (14 characters; Linux allows 15).
    public var portName: String { "sp" + Self.hash(invocation.containerID + "/" + invocation.ifname) }
    /// The container end's name until it is inside the namespace and renamed.
    public var peerName: String { "st" + Self.hash(invocation.containerID + "/" + invocation.ifname) }

    public init(configuration: NetworkConfiguration, invocation: Invocation) {
        self.configuration = configuration
        self.invocation = invocation
    }

    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }

    // MARK: ADD

    /// The checks before anything is made (nothing to undo when they fail):
    /// the bridge exists, the agent serves the VNI and bridge, the interface
    /// is not attached already, a requested MAC is free in the VNI.
    public func checkAdd(_ facts: HostFacts) throws(CNIError) {
        let c = configuration
        guard facts.bridgeExists else { throw .field(.unknownBridge, "bridge", c.bridge, "no such bridge in OVSDB") }
        if let bridges = facts.servedBridges, !bridges.contains(c.bridge) {
            throw .field(.vniNotServed, "bridge", c.bridge,
                         "not a bridge of the agent's configuration \(c.agentConfig ?? "") (it has \(bridges.sorted().joined(separator: ", ")))")
        }
        if let vnis = facts.servedVNIs, !vnis.contains(c.vni) {
            throw .field(.vniNotServed, "vni", String(c.vni),
                         "not served by the agent (\(c.agentConfig ?? "") has vnis \(vnis.sorted().map(String.init).joined(separator: ", ")))")
        }
        if facts.ports.contains(where: { $0.name == portName }) || facts.hostLinkExists {
            throw CNIError(.alreadyAttached, "CNI_CONTAINERID=\(invocation.containerID) CNI_IFNAME=\(invocation.ifname): already attached as port \(portName)")
        }
        if let mac = try c.requestedMAC(invocation) { try checkFree(mac, facts) }
    }

    /// The endpoint's MAC: the one requested, else one derived from the
    /// first IPv4 address (`0a:58:` and its four bytes), else from the hash.
    public func mac(_ ipam: CNIResult) throws(CNIError) -> EthernetAddress {
        if let mac = try configuration.requestedMAC(invocation) { return mac }
        for ip in ipam.ips {
            if case .v4(let v4) = ip.address {
                let b = v4.bytes
                return EthernetAddress(0x0a, 0x58, b[0], b[1], b[2], b[3])
            }
        }
        let h = Self.hash(invocation.containerID)
        let bytes = stride(from: 0, to: 10, by: 2).map { UInt8(h.dropFirst($0).prefix(2), radix: 16)! }
        return EthernetAddress(0x0a, bytes[0], bytes[1], bytes[2], bytes[3], bytes[4])
    }

    /// A MAC is free when no other port carries it in this VNI.
    public func checkFree(_ mac: EthernetAddress, _ facts: HostFacts) throws(CNIError) {
        if let other = facts.ports.first(where: { $0.name != portName && $0.vni == configuration.vni && $0.mac == mac }) {
            throw .field(.duplicateMAC, "mac", mac.description, "already in vni \(configuration.vni) on port \(other.name)")
        }
    }

    /// The commands that make the attachment, in order.
    public func addSteps(_ ipam: CNIResult, mac: EthernetAddress) throws(CNIError) -> [Step] {
        let c = configuration, ns = invocation.netns ?? "", inside = invocation.ifname, mtu = String(c.mtu)
        guard !ipam.ips.isEmpty else { throw CNIError(.ipamFailure, "ipam.type=\(c.ipamType): the IPAM plugin gave no address") }
        var steps: [Step] = [
            .ip("link", "add", portName, "mtu", mtu, "type", "veth", "peer", "name", peerName, "mtu", mtu),
            .ip("link", "set", "dev", peerName, "netns", ns),
            .inside(ns, ["ip", "link", "set", "dev", peerName, "name", inside]),
            .inside(ns, ["ip", "link", "set", "dev", inside, "address", mac.description]),
        ]
        // The overlay is BUM-less: without an IPv6 address, IPv6 would only
        // send multicast solicitations that the bridge drops.
        if !ipam.ips.contains(where: { if case .v6 = $0.address { true } else { false } }) {
            steps.append(.inside(ns, ["sysctl", "-qw", "net.ipv6.conf.\(inside).disable_ipv6=1"]))
            steps.append(Step(["sysctl", "-qw", "net.ipv6.conf.\(portName).disable_ipv6=1"]))
        }
        for ip in ipam.ips { steps.append(.inside(ns, ["ip", "addr", "add", ip.cidr, "dev", inside])) }
        // Checksums of TCP across a veth into a userspace-datapath OVS are
        // never filled in unless transmit offload is off.
        steps.append(.inside(ns, ["ethtool", "-K", inside, "tx", "off"]))
        steps.append(Step(["ethtool", "-K", portName, "tx", "off"]))
        steps.append(.inside(ns, ["ip", "link", "set", "dev", "lo", "up"]))
        steps.append(.inside(ns, ["ip", "link", "set", "dev", inside, "up"]))
        for route in ipam.routes {
            var arguments = ["ip", "route", "add", route.destination]
            if let gw = route.gateway { arguments += ["via", gw.description] }
            steps.append(.inside(ns, arguments + ["dev", inside]))
        }
        steps.append(.ip("link", "set", "dev", portName, "up"))
        let ids = [
            "external_ids:vni=\(c.vni)", "external_ids:attached-mac=\"\(mac)\"",
            "external_ids:ip=\"\(ipam.ips.map { $0.address.description }.joined(separator: ","))\"",
            "external_ids:iface-id=\"\(invocation.containerID)\"", "external_ids:cni-ifname=\"\(inside)\"",
        ]
        // Both rows carry the endpoint, as deploy/add-container writes them.
        steps.append(.vsctl(c.ovsdb, ["--", "add-port", c.bridge, portName, "--", "set", "Interface", portName] + ids
            + ["--", "set", "Port", portName] + ids))
        return steps
    }

    /// What removes a half-made attachment (each may fail: it may not exist).
    public var undoSteps: [Step] {
        [.vsctl(configuration.ovsdb, ["--if-exists", "del-port", portName]), .ip("link", "del", "dev", portName)]
    }

    /// ADD's answer: the host end, the container end, the addresses on it.
    public func result(_ ipam: CNIResult, mac: EthernetAddress, hostMAC: EthernetAddress?) -> CNIResult {
        var ips = ipam.ips
        for i in ips.indices { ips[i].interface = 1 }
        return CNIResult(
            interfaces: [.init(name: portName, mac: hostMAC, sandbox: nil), .init(name: invocation.ifname, mac: mac, sandbox: invocation.netns)],
            ips: ips, routes: ipam.routes, dns: ipam.dns)
    }

    // MARK: DEL

    /// DEL removes the port and the link when they exist, and succeeds when
    /// they do not (a repeated DEL, a container never attached).
    public func delSteps(_ facts: HostFacts) -> [Step] {
        var steps: [Step] = []
        if facts.ports.contains(where: { $0.name == portName }) {
            steps.append(.vsctl(configuration.ovsdb, ["--if-exists", "del-port", portName]))
        }
        if facts.hostLinkExists { steps.append(.ip("link", "del", "dev", portName)) }
        return steps
    }

    // MARK: CHECK

    /// CHECK: the port is on OVSDB with the VNI and MAC of `prevResult`, the
    /// host link exists, the container's interface has that MAC and the MTU.
    public func check(_ facts: HostFacts) throws(CNIError) {
        let c = configuration
        guard let prev = c.prevResult else { throw CNIError(.invalidNetworkConfiguration, "prevResult: missing (CHECK needs it)") }
        guard let expected = prev.interfaces.first(where: { $0.name == invocation.ifname && $0.sandbox != nil }) else {
            throw .field(.invalidNetworkConfiguration, "prevResult.interfaces", invocation.ifname, "no container interface of that name")
        }
        guard facts.bridgeExists else { throw .field(.unknownBridge, "bridge", c.bridge, "no such bridge in OVSDB") }
        guard let port = facts.ports.first(where: { $0.name == portName }) else {
            throw CNIError(.attachmentChanged, "port \(portName) of CNI_CONTAINERID=\(invocation.containerID): not in OVSDB")
        }
        guard port.vni == c.vni else {
            throw CNIError(.attachmentChanged, "port \(portName): external_ids:vni=\(port.externalIDs["vni"] ?? "") but vni=\(c.vni)")
        }
        guard port.mac == expected.mac else {
            throw CNIError(.attachmentChanged, "port \(portName): external_ids:attached-mac=\(port.externalIDs["attached-mac"] ?? "") but prevResult has \(expected.mac?.description ?? "none")")
        }
        guard facts.hostLinkExists else { throw CNIError(.attachmentChanged, "link \(portName): missing on the host") }
        guard let link = facts.containerLink else {
            throw CNIError(.attachmentChanged, "CNI_IFNAME=\(invocation.ifname): missing in \(invocation.netns ?? "")")
        }
        guard link.mac == expected.mac else {
            throw CNIError(.attachmentChanged, "CNI_IFNAME=\(invocation.ifname): mac \(link.mac?.description ?? "none") but prevResult has \(expected.mac?.description ?? "none")")
        }
        guard link.mtu == c.mtu else { throw CNIError(.attachmentChanged, "CNI_IFNAME=\(invocation.ifname): mtu \(link.mtu) but mtu=\(c.mtu)") }
    }
}
