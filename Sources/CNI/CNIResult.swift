import JSON
import NetAddress

/// The Success result of ADD (CNI specification 1.0.0, "Success"): the
/// interfaces made, the addresses the IPAM plugin gave, routes and DNS. Also
/// what an IPAM plugin answers and what `prevResult` carries.
public struct CNIResult: Sendable, Hashable {
    public struct Interface: Sendable, Hashable {
        public var name: String
        public var mac: EthernetAddress?
        /// The namespace path, for the container's interface; nil on the host.
        public var sandbox: String?
        public init(name: String, mac: EthernetAddress?, sandbox: String?) {
            self.name = name
            self.mac = mac
            self.sandbox = sandbox
        }
    }

    public struct IPConfig: Sendable, Hashable {
        public var address: IPAddress
        public var prefixLength: UInt8
        public var gateway: IPAddress?
        /// Index into `interfaces`.
        public var interface: Int?
        public var cidr: String { "\(address)/\(prefixLength)" }
        public init(address: IPAddress, prefixLength: UInt8, gateway: IPAddress?, interface: Int?) {
            self.address = address
            self.prefixLength = prefixLength
            self.gateway = gateway
            self.interface = interface
        }
    }

    public struct Route: Sendable, Hashable {
        public var destination: String
        public var gateway: IPAddress?
        public init(destination: String, gateway: IPAddress?) {
            self.destination = destination
            self.gateway = gateway
        }
    }

    public var interfaces: [Interface] = []
    public var ips: [IPConfig] = []
    public var routes: [Route] = []
    /// The `dns` object as the IPAM plugin gave it.
    public var dns: JSONValue?

    public init(interfaces: [Interface] = [], ips: [IPConfig] = [], routes: [Route] = [], dns: JSONValue? = nil) {
        self.interfaces = interfaces
        self.ips = ips
        self.routes = routes
        self.dns = dns
    }

    /// Reads a result; `field` names where it came from in errors (`prevResult`, `ipam result`).
    public init(json: JSONValue, field: String) throws(CNIError) {
        guard let object = json.objectValue else { throw .field(.decodingFailure, field, json.jsonText, "not an object") }
        for (i, value) in (object["interfaces"]?.arrayValue ?? []).enumerated() {
            guard let name = value["name"]?.stringValue else {
                throw .field(.decodingFailure, "\(field).interfaces[\(i)].name", value["name"]?.jsonText ?? "", "not a string")
            }
            var mac: EthernetAddress?
            if let text = value["mac"]?.stringValue, !text.isEmpty {
                guard let m = EthernetAddress(text) else { throw .field(.decodingFailure, "\(field).interfaces[\(i)].mac", text, "not a MAC address") }
                mac = m
            }
            interfaces.append(Interface(name: name, mac: mac, sandbox: value["sandbox"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }))
        }
        for (i, value) in (object["ips"]?.arrayValue ?? []).enumerated() {
            let text = value["address"]?.stringValue ?? ""
            guard let parsed = Self.cidr(text) else {
                throw .field(.decodingFailure, "\(field).ips[\(i)].address", text, "not ADDRESS/PREFIX")
            }
            let (address, prefix) = parsed
            var gateway: IPAddress?
            if let g = value["gateway"]?.stringValue {
                guard let a = IPAddress(g) else { throw .field(.decodingFailure, "\(field).ips[\(i)].gateway", g, "not an IP address") }
                gateway = a
            }
            var index: Int?
            if case .integer(let n)? = value["interface"] { index = Int(n) }
            ips.append(IPConfig(address: address, prefixLength: prefix, gateway: gateway, interface: index))
        }
        for (i, value) in (object["routes"]?.arrayValue ?? []).enumerated() {
            let dst = value["dst"]?.stringValue ?? ""
            guard Self.cidr(dst) != nil else { throw .field(.decodingFailure, "\(field).routes[\(i)].dst", dst, "not ADDRESS/PREFIX") }
            var gateway: IPAddress?
            if let g = value["gw"]?.stringValue {
                guard let a = IPAddress(g) else { throw .field(.decodingFailure, "\(field).routes[\(i)].gw", g, "not an IP address") }
                gateway = a
            }
            routes.append(Route(destination: dst, gateway: gateway))
        }
        dns = object["dns"]
    }

    /// `ADDRESS/PREFIX` with a prefix that fits the address family.
    public static func cidr(_ text: String) -> (IPAddress, UInt8)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = UInt8(parts[1]),
              prefix <= address.bitLength else { return nil }
        return (address, prefix)
    }

    public func json(cniVersion: String) -> JSONValue {
        var object: [String: JSONValue] = ["cniVersion": .string(cniVersion)]
        object["interfaces"] = .array(interfaces.map { i in
            var o: [String: JSONValue] = ["name": .string(i.name)]
            if let mac = i.mac { o["mac"] = .string(mac.description) }
            if let sandbox = i.sandbox { o["sandbox"] = .string(sandbox) }
            return .object(o)
        })
        object["ips"] = .array(ips.map { ip in
            var o: [String: JSONValue] = ["address": .string(ip.cidr)]
            // Results before 1.0.0 name the address family of each entry.
            if cniVersion.hasPrefix("0.") {
                if case .v4 = ip.address { o["version"] = "4" } else { o["version"] = "6" }
            }
            if let g = ip.gateway { o["gateway"] = .string(g.description) }
            if let i = ip.interface { o["interface"] = .integer(Int64(i)) }
            return .object(o)
        })
        if !routes.isEmpty {
            object["routes"] = .array(routes.map { r in
                var o: [String: JSONValue] = ["dst": .string(r.destination)]
                if let g = r.gateway { o["gw"] = .string(g.description) }
                return .object(o)
            })
        }
        if let dns { object["dns"] = dns }
        return .object(object)
    }
}
