import NetAddress
import JSON
import OVSDB

/// The network configuration the runtime hands the plugin on stdin:
///
///     {"cniVersion": "1.0.0", "name": "tenant10", "type": "swiftplane",
///      "bridge": "br0", "vni": 10, "mtu": 1450,
///      "ipam": {"type": "host-local", "subnet": "192.168.10.0/24"}}
///
/// Optional: `ovsdb` (ovs-vsctl's `--db`, e.g. `unix:/run/openvswitch/db.sock`),
/// `agentConfig` (the agent's YAML: the VNI and bridge must be among those it
/// serves), `mac` (one fixed MAC; else `CNI_ARGS` `MAC=`, `runtimeConfig.mac`,
/// or one derived from the first IPv4 address), `prevResult` (CHECK, chained ADD).
public struct NetworkConfiguration: Sendable, Hashable {
    /// The versions this plugin speaks; VERSION lists them.
    public static let supportedVersions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0"]
    public static let defaultMTU = 1450

    public var cniVersion: String
    public var name: String
    public var bridge: String
    public var vni: UInt32
    public var mtu: Int
    /// The `ipam` object as given (its `type` names the IPAM plugin).
    public var ipam: JSONValue
    public var ipamType: String
    public var ovsdb: String?
    public var agentConfig: String?
    public var mac: EthernetAddress?
    public var prevResult: CNIResult?
    /// `runtimeConfig`, from the runtime's capabilities (`mac`).
    public var runtimeConfig: JSONValue?
    /// The configuration's text, passed on to the IPAM plugin unchanged.
    public var text: String

    public static func parse(_ text: String) throws(CNIError) -> NetworkConfiguration {
        let json: JSONValue
        do { json = try JSONParser(maximumDepth: 32, maximumBytes: 1 << 20).parse(text) } catch {
            throw CNIError(.decodingFailure, "network configuration: not JSON: \(error)")
        }
        guard let object = json.objectValue else { throw CNIError(.decodingFailure, "network configuration: not a JSON object") }
        func string(_ key: String, required: Bool) throws(CNIError) -> String? {
            guard let value = object[key], !value.isNull else {
                if required { throw CNIError(.invalidNetworkConfiguration, "\(key): missing") }
                return nil
            }
            guard let s = value.stringValue, !s.isEmpty else { throw .field(key, value.jsonText, "not a non-empty string") }
            return s
        }
        func integer(_ key: String, _ range: ClosedRange<Int64>, required: Bool) throws(CNIError) -> Int64? {
            guard let value = object[key], !value.isNull else {
                if required { throw CNIError(.invalidNetworkConfiguration, "\(key): missing") }
                return nil
            }
            guard case .integer(let n) = value, range.contains(n) else {
                throw .field(key, value.jsonText, "not an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        let version = try string("cniVersion", required: true)!
        guard supportedVersions.contains(version) else {
            throw CNIError(.incompatibleVersion, "cniVersion=\(version): not one of \(supportedVersions.joined(separator: ", "))")
        }
        let name = try string("name", required: true)!
        let type = try string("type", required: true)!
        guard type == "swiftplane" else { throw .field("type", type, "this plugin is \"swiftplane\"") }
        let bridge = try string("bridge", required: true)!
        guard bridge.utf8.count <= 15, !bridge.contains("/"), !bridge.contains(" ") else {
            throw .field("bridge", bridge, "not a bridge name (at most 15 characters, no / or spaces)")
        }
        // VNI 0 is not a tenant: the agent's VNIs are 1...2^24-1.
        let vni = try integer("vni", 1...Int64(AttachedPort.maximumVNI), required: true)!
        let mtu = try integer("mtu", 576...9000, required: false).map(Int.init) ?? defaultMTU
        guard let ipam = object["ipam"], let ipamObject = ipam.objectValue else {
            throw CNIError(.invalidNetworkConfiguration, "ipam: missing (an object naming an IPAM plugin, e.g. {\"type\": \"host-local\", ...})")
        }
        guard let ipamType = ipamObject["type"]?.stringValue, !ipamType.isEmpty,
              !ipamType.contains("/"), ipamType != ".", ipamType != ".."
        else { throw .field("ipam.type", ipamObject["type"]?.jsonText ?? "", "not the name of an IPAM plugin") }
        var mac: EthernetAddress?
        if let text = try string("mac", required: false) { mac = try Self.endpointMAC(text, field: "mac") }
        var prevResult: CNIResult?
        if let value = object["prevResult"], !value.isNull {
            prevResult = try CNIResult(json: value, field: "prevResult")
        }
        return NetworkConfiguration(
            cniVersion: version, name: name, bridge: bridge, vni: UInt32(vni), mtu: mtu, ipam: ipam, ipamType: ipamType,
            ovsdb: try string("ovsdb", required: false), agentConfig: try string("agentConfig", required: false), mac: mac,
            prevResult: prevResult, runtimeConfig: object["runtimeConfig"], text: text)
    }

    /// A MAC an endpoint may have: unicast, not all zeros.
    public static func endpointMAC(_ text: String, field: String) throws(CNIError) -> EthernetAddress {
        guard let mac = EthernetAddress(text) else { throw .field(field, text, "not a MAC address") }
        guard !mac.isMulticast, mac != .zero else { throw .field(field, text, "not a unicast MAC address") }
        return mac
    }

    /// The runtime's MAC request: `CNI_ARGS` `MAC=`, then `runtimeConfig.mac`, then `mac`.
    public func requestedMAC(_ invocation: Invocation) throws(CNIError) -> EthernetAddress? {
        if let text = invocation.arguments["MAC"] { return try Self.endpointMAC(text, field: "CNI_ARGS MAC") }
        if let text = runtimeConfig?["mac"]?.stringValue { return try Self.endpointMAC(text, field: "runtimeConfig.mac") }
        return mac
    }

}
