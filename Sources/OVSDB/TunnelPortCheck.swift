import NetAddress

/// Why a bridge's configured VXLAN ofport cannot carry the overlay: names the
/// bridge, the ofport, the interface that has it (when one has), the column
/// and its value.
public struct TunnelPortProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var bridge: String
    public var ofport: UInt32
    /// The interface with that ofport; nil when none has it.
    public var interface: String?
    public var field: String
    public var value: String
    public var reason: String

    public var description: String {
        "\(bridge) vxlan-port \(ofport)\(interface.map { " (\($0))" } ?? ""): \(field)=\"\(value)\": \(reason)"
    }
}

extension OVSDBReplica {
    /// What is wrong with `ofport` of `bridge` as the overlay's tunnel port,
    /// or nil when it is right: an Interface of type `vxlan` whose `key` and
    /// `remote_ip` are `flow` (the flows set the VNI and the remote VTEP of
    /// each packet) and whose `local_ip`, when set, is `localIP` (the flows
    /// never set the source; another address would send from, and listen on,
    /// an address the routes do not name).
    public func tunnelPortProblem(bridge: String, ofport: UInt32, localIP: String) -> TunnelPortProblem? {
        func problem(_ interface: String?, _ field: String, _ value: String?, _ reason: String) -> TunnelPortProblem {
            TunnelPortProblem(bridge: bridge, ofport: ofport, interface: interface, field: field, value: value ?? "",
                              reason: reason)
        }
        guard let row = bridges.values.first(where: { $0.name == bridge }) else {
            return problem(nil, "Bridge name", bridge, "OVSDB has no such bridge")
        }
        let candidates = row.ports.compactMap { ports[$0] }.flatMap(\.interfaces).compactMap { interfaces[$0] }
        guard let interface = candidates.first(where: { $0.ofport == Int64(ofport) }) else {
            return problem(nil, "ofport", String(ofport), "no interface of the bridge has this ofport")
        }
        let name = interface.name
        guard interface.type == "vxlan" else {
            return problem(name, "type", interface.type, "must be vxlan: the agent's tunnel flows would send tenant frames out of a plain port")
        }
        for option in ["key", "remote_ip"] where interface.options[option] != "flow" {
            return problem(name, "options:\(option)", interface.options[option],
                           "must be flow: the agent's flows set the \(option == "key" ? "VNI" : "remote VTEP") of each packet")
        }
        // Compared as addresses: IPv6 has many spellings of one address.
        if let local = interface.options["local_ip"], local != localIP,
           IPAddress(local) == nil || IPAddress(local) != IPAddress(localIP) {
            return problem(name, "options:local_ip", local, "must be unset or the agent's vtep \(localIP)")
        }
        return nil
    }
}
