import JSON
import NetAddress
import OVSDB

/// What the executable found out before planning: the bridge, the VNIs the
/// agent serves, the ports OVSDB already has, the host link. Plans are pure
/// functions of these facts and the call.
public struct HostFacts: Sendable, Hashable {
    public var bridgeExists: Bool
    /// The VNIs and bridges of the agent's configuration; nil when none was
    /// named (then nothing is checked against it).
    public var servedVNIs: Set<UInt32>?
    public var servedBridges: Set<String>?
    public var ports: [ExistingPort]
    /// Whether the host end of the veth pair exists.
    public var hostLinkExists: Bool
    /// The container's interface as `ip -j link` shows it (CHECK), nil when absent.
    public var containerLink: LinkState?

    public init(bridgeExists: Bool, servedVNIs: Set<UInt32>? = nil, servedBridges: Set<String>? = nil, ports: [ExistingPort] = [],
                hostLinkExists: Bool = false, containerLink: LinkState? = nil) {
        self.bridgeExists = bridgeExists
        self.servedVNIs = servedVNIs
        self.servedBridges = servedBridges
        self.ports = ports
        self.hostLinkExists = hostLinkExists
        self.containerLink = containerLink
    }
}

/// A port OVSDB already has, with the endpoint keys of its Port row, else of
/// its Interface row of the same name (the Port's win, as the agent reads them).
public struct ExistingPort: Sendable, Hashable {
    public var name: String
    public var externalIDs: [String: String]

    public init(name: String, externalIDs: [String: String]) {
        self.name = name
        self.externalIDs = externalIDs
    }

    public var vni: UInt32? { externalIDs["vni"].flatMap { UInt32($0) } }
    public var mac: EthernetAddress? { externalIDs["attached-mac"].flatMap { EthernetAddress($0) } }

    /// Reads `ovs-vsctl -f json --columns=name,external_ids list Port` and the
    /// same of Interface.
    public static func parse(portListing: String, interfaceListing: String) throws(CNIError) -> [ExistingPort] {
        let ports = try rows(portListing, table: "Port")
        let interfaces = Dictionary(try rows(interfaceListing, table: "Interface").map { ($0.name, $0.externalIDs) },
                                    uniquingKeysWith: { a, _ in a })
        return ports.map { port in
            ExistingPort(name: port.name, externalIDs: port.externalIDs.merging(interfaces[port.name] ?? [:]) { fromPort, _ in fromPort })
        }.sorted { $0.name < $1.name }
    }

    private static func rows(_ text: String, table: String) throws(CNIError) -> [(name: String, externalIDs: [String: String])] {
        func bad(_ reason: String) -> CNIError { CNIError(.ioFailure, "ovs-vsctl list \(table): \(reason)") }
        let json: JSONValue
        do { json = try JSONParser().parse(text) } catch { throw bad("not JSON: \(error)") }
        guard let headings = json["headings"]?.arrayValue?.compactMap(\.stringValue),
              let name = headings.firstIndex(of: "name"), let ids = headings.firstIndex(of: "external_ids"),
              let data = json["data"]?.arrayValue
        else { throw bad("no name and external_ids columns") }
        var result: [(String, [String: String])] = []
        for row in data {
            guard let cells = row.arrayValue, cells.count == headings.count, let n = cells[name].stringValue else {
                throw bad("a row without a name")
            }
            let map: [String: String]
            do { map = try OVSDBDatum(json: cells[ids], path: "external_ids").stringMap ?? [:] } catch { throw bad("\(n): \(error)") }
            result.append((n, map))
        }
        return result
    }
}

/// A link as `ip -j link show dev X` prints it.
public struct LinkState: Sendable, Hashable {
    public var name: String
    public var mac: EthernetAddress?
    public var mtu: Int

    public init(name: String, mac: EthernetAddress?, mtu: Int) {
        self.name = name
        self.mac = mac
        self.mtu = mtu
    }

    public static func parse(_ text: String) -> LinkState? {
        guard let first = (try? JSONParser().parse(text))?.arrayValue?.first,
              let name = first["ifname"]?.stringValue, case .integer(let mtu)? = first["mtu"] else { return nil }
        return LinkState(name: name, mac: first["address"]?.stringValue.flatMap { EthernetAddress($0) }, mtu: Int(mtu))
    }
}
