import Agent
import AdminAPI
import BGP
import BGPSpeaker
import Foundation
import OVSDB
import OpenFlowController
import Overlay
import Yams

extension AgentConfiguration {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> AgentConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, path: "", reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, path: "", reason: "the file is not UTF-8 text")
        }
        return try parse(yaml: text, file: path)
    }

    /// Checks a configuration given as YAML text; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> AgentConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigurationError(file: file, path: "", reason: "the file is empty")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw ConfigurationError(file: file, path: "", reason: "not valid YAML: \(yamlProblem(error))")
        } catch {
            throw ConfigurationError(file: file, path: "", reason: "not valid YAML: \(error)")
        }
        var top = try ConfigurationMapping(ConfigurationNode(node: root, path: "", file: file))

        let vtepNode = try top.required("vtep")
        let vtepText = try vtepNode.scalar("an IPv4 or IPv6 address")
        guard let vtepAddress = IPAddress(vtepText) else { throw vtepNode.error("not an IPv4 or IPv6 address: '\(vtepText)'") }
        let vtep = VTEP(vtepAddress)
        let asNode = try top.required("as")
        let asn = try asNode.integer(UInt32.self, in: 1...UInt32.max, "the AS number")
        let configuredRouterID = try top.optional("router-id").map { node throws(ConfigurationError) in
            try ipv4(node, "an IPv4 router id")
        }
        let routerID: IPv4Address
        switch (vtepAddress, configuredRouterID) {
        case let (_, id?): routerID = id
        case let (.v4(address), nil): routerID = address
        case (.v6, nil): throw vtepNode.error("the vtep \(vtep) is IPv6: router-id (an IPv4 address) is required, "
            + "for the BGP identifier and the route distinguishers")
        }
        let logLevel = try top.optional("log-level").map { node throws(ConfigurationError) in
            try choice(node, LogLevel.self, "a log level")
        } ?? .info

        var routeReflectors: [RouteReflector] = []
        if let list = top.optional("route-reflectors") {
            for item in try list.sequence() {
                var map = try ConfigurationMapping(item)
                let addressNode = try map.required("address")
                let text = try addressNode.scalar("an IP address")
                guard let address = IPAddress(text) else {
                    throw addressNode.error("not an IP address: '\(text)'")
                }
                let port = try map.optional("port")?.integer(Int.self, in: 1...65535, "the port") ?? defaultBGPPort
                var password: String?
                if let node = map.optional("password") {
                    let text = try node.scalar("a TCP MD5 password")
                    // The error names the field, never the secret.
                    if text.isEmpty { throw node.error("the password is empty") }
                    if let reason = TCPMD5Signature.validate(text) { throw node.error("the password is too long: \(reason)") }
                    password = text
                }
                try map.finish()
                let reflector = RouteReflector(address: address, port: port, password: password)
                if routeReflectors.contains(reflector) { throw item.error("route reflector \(text) port \(port) is listed twice") }
                routeReflectors.append(reflector)
            }
        }

        var gracefulRestart = GracefulRestart()
        if let node = top.optional("graceful-restart") {
            var map = try ConfigurationMapping(node)
            if let enabled = map.optional("enabled") {
                gracefulRestart.enabled = try boolean(enabled)
            }
            if let time = map.optional("restart-time") {
                gracefulRestart.restartTime = try time.integer(UInt16.self, in: 1...4095, "the restart time in seconds")
            }
            if let time = map.optional("selection-deferral-time") {
                gracefulRestart.selectionDeferralTime = try time.integer(UInt16.self, in: 1...3600, "the selection deferral time in seconds")
            }
            try map.finish()
        }

        var controllerListen = ControllerListenAddress.default
        var controllerSocketMode = defaultControllerSocketMode
        var controllerTLS: ControllerTLSFiles?
        var addressResolutionRate: UInt32? = defaultAddressResolutionRate
        if let node = top.optional("controller") {
            var map = try ConfigurationMapping(node)
            let allowNonLoopback = try map.optional("allow-non-loopback").map { node throws(ConfigurationError) in
                try boolean(node)
            } ?? false
            let listenNode = map.optional("listen")
            if let listen = listenNode {
                let text = try listen.scalar("HOST:PORT or unix:/PATH")
                do throws(ControllerListenAddressError) {
                    controllerListen = try ControllerListenAddress(parsing: text)
                } catch {
                    throw listen.error("\(error.reason), got '\(text)'")
                }
            }
            if let modeNode = map.optional("socket-mode") {
                guard case .unix = controllerListen else {
                    throw modeNode.error("socket-mode is for a unix:/PATH listen address, not \(controllerListen)")
                }
                controllerSocketMode = try socketMode(modeNode)
            }
            if let node = map.optional("tls") {
                if case .unix = controllerListen {
                    throw node.error("TLS is for TCP listen addresses; \(controllerListen) is guarded by its file mode (socket-mode)")
                }
                controllerTLS = try tlsFiles(node)
            }
            // Plain TCP has no authentication: whoever reaches the port can act as a switch.
            if let listenNode, !controllerListen.isLocal, controllerTLS == nil, !allowNonLoopback {
                throw listenNode.error("not a loopback address: plain TCP to the controller has no authentication; "
                    + "allow it explicitly to listen there (allow-non-loopback: true), or use tls, got '\(controllerListen)'")
            }
            if let rate = map.optional("address-resolution-rate") {
                let value = try rate.integer(UInt32.self, in: 0...1_000_000, "packets per second (0: no meter)")
                addressResolutionRate = value == 0 ? nil : value
            }
            try map.finish()
        }

        var gleanedExpiry: Duration? = defaultGleanedExpiry
        if let node = top.optional("gleaned-expiry") {
            let seconds = try node.integer(Int64.self, in: 0...86_400 * 365, "seconds (0: never)")
            gleanedExpiry = seconds == 0 ? nil : .seconds(seconds)
        }

        var flowAuditInterval: Duration? = defaultFlowAuditInterval
        if let node = top.optional("flow-audit-interval") {
            let seconds = try node.integer(Int64.self, in: 0...86_400 * 365, "seconds (0: only when a switch connects)")
            flowAuditInterval = seconds == 0 ? nil : .seconds(seconds)
        }

        var duplicateDetection = DuplicateMACDetector.Settings()
        if let node = top.optional("duplicate-mac") {
            var map = try ConfigurationMapping(node)
            if let moves = map.optional("max-moves") {
                duplicateDetection.maximumMoves = try moves.integer(Int.self, in: 1...1_000_000, "a number of moves")
            }
            if let window = map.optional("window") {
                duplicateDetection.window = .seconds(try window.integer(Int64.self, in: 1...86_400 * 365, "seconds"))
            }
            try map.finish()
        }

        var admin = AdminSettings()
        if let node = top.optional("admin") {
            var map = try ConfigurationMapping(node)
            let allow = try map.optional("allow-non-loopback").map { node throws(ConfigurationError) in try boolean(node) } ?? false
            if let addressNode = map.optional("address") {
                let text = try addressNode.scalar("a socket path or HOST:PORT")
                do throws(AdminAddressError) {
                    admin.address = try AdminAddress(parsing: text, allowNonLoopback: allow)
                } catch {
                    throw addressNode.error(error.description)
                }
            }
            if let modeNode = map.optional("socket-mode") {
                admin.socketMode = try socketMode(modeNode)
            }
            try map.finish()
        }

        var bgpHost = "0.0.0.0"
        var bgpPort = 0
        if let listen = top.optional("bgp-listen") {
            (bgpHost, bgpPort) = try hostPort(listen)
        }

        let bridgeList = try top.required("bridges").sequence()
        if bridgeList.isEmpty { throw ConfigurationError(file: file, path: "bridges", reason: "at least one bridge is needed") }
        var bridges: [Bridge] = []
        for item in bridgeList {
            var map = try ConfigurationMapping(item)
            let nameNode = try map.required("name")
            let name = try nameNode.scalar("a bridge name")
            if name.isEmpty { throw nameNode.error("a bridge name cannot be empty") }
            if bridges.contains(where: { $0.name == name }) { throw nameNode.error("bridge '\(name)' is listed twice") }
            let ovsdb = try map.optional("ovsdb").map { node throws(ConfigurationError) in try ovsdbEndpoint(node) }
            let vxlanPort = try map.required("vxlan-port").integer(UInt32.self, in: 1...0xffff_feff, "the VXLAN port's ofport")
            let datapathID = try map.optional("datapath-id").map { node throws(ConfigurationError) in
                try datapath(node)
            }
            let portSecurity = try map.optional("port-security").map { node throws(ConfigurationError) in try boolean(node) } ?? false
            try map.finish()
            bridges.append(Bridge(name: name, ovsdb: ovsdb, vxlanPort: vxlanPort, datapathID: datapathID, portSecurity: portSecurity))
        }
        // With several bridges each switch must be told apart: by a configured
        // id, or by the id OVSDB reports for the bridge's name.
        if bridges.count > 1, let index = bridges.firstIndex(where: { $0.datapathID == nil && $0.ovsdb == nil }) {
            throw ConfigurationError(file: file, path: "bridges[\(index)].datapath-id",
                                     reason: "required when there is more than one bridge and the bridge has no ovsdb to read it from (bridge '\(bridges[index].name)')")
        }
        for (index, bridge) in bridges.enumerated() {
            guard let id = bridge.datapathID, let first = bridges.firstIndex(where: { $0.datapathID == id }), first < index else { continue }
            throw ConfigurationError(file: file, path: "bridges[\(index)].datapath-id",
                                     reason: "\(String(format: "%016llx", id)) is already bridge '\(bridges[first].name)'s")
        }

        var tenants: [Tenant] = []
        for item in try top.required("vnis").sequence() {
            var map = try ConfigurationMapping(item)
            let vniNode = try map.required("vni")
            let raw = try vniNode.integer(UInt32.self, in: 1...VNI.maximum, "the VNI")
            guard let vni = VNI(rawValue: raw) else { throw vniNode.error("not a VNI: \(raw)") }
            if tenants.contains(where: { $0.instance.vni == vni }) { throw vniNode.error("VNI \(vni) is listed twice") }
            if let clash = tenants.first(where: { $0.instance.vni.rawValue & 0xffff == raw & 0xffff }) {
                throw vniNode.error("VNI \(vni) agrees with VNI \(clash.instance.vni) in its low 16 bits: "
                    + "both would use route distinguisher \(routerID):\(raw & 0xffff)")
            }
            let instance: EVPNInstance
            var targetPath = item.child("vni")
            if let targetNode = map.optional("route-target") {
                targetPath = item.child("route-target")
                instance = EVPNInstance(vni: vni, routeTarget: try routeTarget(targetNode))
            } else if let automatic = EVPNInstance.automatic(vni: vni, asn: asn) {
                instance = automatic
            } else {
                throw ConfigurationError(file: file, path: item.child("route-target"),
                                         reason: "required with a 4-octet AS (\(asn)): AS:VNI does not fit")
            }
            // A route target names one tenant: on two VNIs, every route of
            // one would be imported into the other on every host.
            if let clash = tenants.first(where: { $0.instance.routeTarget == instance.routeTarget }) {
                throw ConfigurationError(file: file, path: targetPath,
                                         reason: "route target \(instance.routeTarget) is already VNI \(clash.instance.vni)'s: "
                                             + "a route target must name one tenant")
            }
            let flood = try map.optional("flood").map { node throws(ConfigurationError) in
                try choice(node, FloodMode.self, "a flood mode")
            } ?? .drop
            try map.finish()
            tenants.append(Tenant(instance: instance, flood: flood))
        }

        var endpoints: [StaticEndpoint] = []
        var portVNI: [String: [UInt32: VNI]] = [:]
        var endpointKeys: Set<EndpointKey> = []
        for item in try top.optional("endpoints")?.sequence() ?? [] {
            var map = try ConfigurationMapping(item)
            let vniNode = try map.required("vni")
            let raw = try vniNode.integer(UInt32.self, in: 1...VNI.maximum, "the VNI")
            guard let vni = VNI(rawValue: raw), tenants.contains(where: { $0.instance.vni == vni }) else {
                throw vniNode.error("VNI \(raw) is not configured under vnis")
            }
            let macNode = try map.required("mac")
            let macText = try macNode.scalar("a MAC address")
            guard let mac = EthernetAddress(macText) else { throw macNode.error("not a MAC address: '\(macText)'") }
            if mac.isMulticast || mac.rawValue == 0 {
                throw macNode.error("an endpoint needs a unicast MAC address, got \(macText)")
            }
            var ipv4: [IPv4Address] = []
            var ipv6: [IPv6Address] = []
            for ipNode in try map.optional("ips")?.sequence() ?? [] {
                let text = try ipNode.scalar("an IP address")
                switch IPAddress(text) {
                case let .v4(ip)?: ipv4.append(ip)
                case let .v6(ip)?: ipv6.append(ip)
                case nil: throw ipNode.error("not an IP address: '\(text)'")
                }
            }
            let port = try map.required("port").integer(UInt32.self, in: 1...0xffff_feff, "the ofport")
            let bridgeNode = map.optional("bridge")
            let bridge: String
            if let bridgeNode {
                bridge = try bridgeNode.scalar("a bridge name")
                guard bridges.contains(where: { $0.name == bridge }) else {
                    throw bridgeNode.error("no bridge named '\(bridge)'")
                }
            } else if bridges.count == 1 {
                bridge = bridges[0].name
            } else {
                throw ConfigurationError(file: file, path: item.child("bridge"), reason: "required when there is more than one bridge")
            }
            try map.finish()
            if let vxlan = bridges.first(where: { $0.name == bridge })?.vxlanPort, vxlan == port {
                throw ConfigurationError(file: file, path: item.child("port"), reason: "port \(port) is the bridge's VXLAN port")
            }
            if let other = portVNI[bridge]?[port], other != vni {
                throw ConfigurationError(file: file, path: item.child("port"),
                                         reason: "port \(port) of bridge '\(bridge)' is already in VNI \(other), not \(vni)")
            }
            // A set, not a scan: a file may list tens of thousands of endpoints.
            guard endpointKeys.insert(EndpointKey(vni: vni, mac: mac)).inserted else {
                throw macNode.error("MAC \(mac) is listed twice in VNI \(vni)")
            }
            portVNI[bridge, default: [:]][port] = vni
            endpoints.append(StaticEndpoint(
                bridge: bridge, endpoint: Endpoint(vni: vni, mac: mac, ipv4: ipv4, ipv6: ipv6, location: .local(port: port))))
        }
        var metrics: AdminAddress?
        if let node = top.optional("metrics") {
            let text = try node.scalar("HOST:PORT")
            do throws(AdminAddressError) {
                metrics = try MetricsListener.address(parsing: text)
            } catch {
                throw node.error(error.description)
            }
        }
        let bmp = try top.optional("bmp").map { node throws(ConfigurationError) in try bmpCollector(node) }
        if let bmp, routeReflectors.isEmpty {
            throw ConfigurationError(file: file, path: "bmp", reason: "BMP to \(bmp.host):\(bmp.port) reports the BGP speaker, "
                + "and there is none without route-reflectors")
        }
        var stateFile: String?
        if let node = top.optional("state-file") {
            let path = try node.scalar("a file path")
            if path != "none" {
                guard path.hasPrefix("/"), !path.hasSuffix("/") else {
                    throw node.error("the state file is an absolute file path, or none, got '\(path)'")
                }
                stateFile = path
            }
        }
        try top.finish()
        var configuration = AgentConfiguration(
            vtep: vtep, asn: asn, routerID: routerID, routeReflectors: routeReflectors,
            controllerListen: controllerListen, controllerSocketMode: controllerSocketMode, bgpHost: bgpHost, bgpPort: bgpPort, bridges: bridges, tenants: tenants,
            endpoints: endpoints, logLevel: logLevel, controllerTLS: controllerTLS, gracefulRestart: gracefulRestart,
            gleanedExpiry: gleanedExpiry, addressResolutionRate: addressResolutionRate, duplicateDetection: duplicateDetection,
            admin: admin)
        configuration.stateFile = stateFile
        configuration.metrics = metrics
        configuration.bmp = bmp
        configuration.flowAuditInterval = flowAuditInterval
        return configuration
    }

    /// The three PEM files, each read and checked now, so that a wrong path
    /// or format is a configuration error (also for --check-config), not a
    /// failed start.
    private static func tlsFiles(_ node: ConfigurationNode) throws(ConfigurationError) -> ControllerTLSFiles {
        var map = try ConfigurationMapping(node)
        let certificate = try map.required("certificate")
        let privateKey = try map.required("private-key")
        let caCertificate = try map.required("ca-certificate")
        try map.finish()
        let files = ControllerTLSFiles(certificate: try certificate.scalar("a PEM file"), privateKey: try privateKey.scalar("a PEM file"),
                                       caCertificate: try caCertificate.scalar("a PEM file"))
        do {
            _ = try ControllerTLS(certificate: files.certificate, privateKey: files.privateKey, caCertificate: files.caCertificate)
        } catch let error as ControllerTLS.FileError {
            let field = switch error.path {
            case files.privateKey: privateKey
            case files.caCertificate: caCertificate
            default: certificate
            }
            throw field.error(error.description)
        } catch {
            throw node.error("\(error)")
        }
        return files
    }

    /// A unix socket file's mode: 0600 or 0660 (who else but root may connect).
    private static func socketMode(_ node: ConfigurationNode) throws(ConfigurationError) -> UInt32 {
        let text = try node.scalar("a file mode")
        guard let mode = AdminSettings.modes[text] else {
            throw node.error("the socket mode must be 0600 (root only) or 0660 (also the group), got '\(text)'")
        }
        return mode
    }

    private static func boolean(_ node: ConfigurationNode) throws(ConfigurationError) -> Bool {
        let text = try node.scalar("true or false")
        guard let value = ["true": true, "false": false][text] else { throw node.error("expected true or false, got '\(text)'") }
        return value
    }

    private static func ipv4(_ node: ConfigurationNode, _ what: String) throws(ConfigurationError) -> IPv4Address {
        let text = try node.scalar(what)
        guard let address = IPv4Address(text) else { throw node.error("not an IPv4 address: '\(text)'") }
        return address
    }

    private static func choice<T: RawRepresentable & CaseIterable>(
        _ node: ConfigurationNode, _ type: T.Type, _ what: String
    ) throws(ConfigurationError) -> T where T.RawValue == String {
        let text = try node.scalar(what)
        guard let value = T(rawValue: text) else {
            throw node.error("'\(text)' is not \(what) (one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    /// `HOST:PORT`, or `[IPv6]:PORT`.
    private static func hostPort(_ node: ConfigurationNode) throws(ConfigurationError) -> (String, Int) {
        let text = try node.scalar("HOST:PORT")
        guard let colon = text.lastIndex(of: ":") else { throw node.error("expected HOST:PORT, got '\(text)'") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard IPAddress(host) != nil else { throw node.error("the listen host must be an IP address, got '\(text)'") }
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw node.error("the listen port must be in 0...65535, got '\(text)'")
        }
        return (host, port)
    }

    /// `bmp: HOST:PORT`, or a mapping with `collector: HOST:PORT`,
    /// `statistics-interval` (seconds, 0: none) and `adj-rib-out`.
    private static func bmpCollector(_ node: ConfigurationNode) throws(ConfigurationError) -> BMPCollector {
        var collectorNode = node
        var interval: Duration? = .seconds(60)
        var adjRIBOut = false
        if case .mapping = node.node {
            var map = try ConfigurationMapping(node)
            collectorNode = try map.required("collector")
            if let seconds = try map.optional("statistics-interval")?.integer(Int64.self, in: 0...86400, "seconds between Statistics Reports") {
                interval = seconds == 0 ? nil : .seconds(seconds)
            }
            adjRIBOut = try map.optional("adj-rib-out").map { node throws(ConfigurationError) in try boolean(node) } ?? false
            try map.finish()
        }
        let text = try collectorNode.scalar("the collector's HOST:PORT")
        let problem = "expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535, got '\(text)'"
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw collectorNode.error(problem)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) } else if host.contains(":") { throw collectorNode.error(problem) }
        guard IPAddress(host) != nil else { throw collectorNode.error(problem) }
        return BMPCollector(host: host, port: port, statisticsInterval: interval, adjRIBOut: adjRIBOut)
    }

    /// `unix:PATH`, `tcp:HOST:PORT`, or a bare socket path.
    private static func ovsdbEndpoint(_ node: ConfigurationNode) throws(ConfigurationError) -> OVSDBEndpoint {
        let text = try node.scalar("an OVSDB endpoint")
        if text.hasPrefix("/") { return .unix(path: text) }
        guard let endpoint = OVSDBEndpoint(text) else {
            throw node.error("an OVSDB endpoint is unix:PATH, tcp:HOST:PORT or /PATH, got '\(text)'")
        }
        return endpoint
    }

    private static func datapath(_ node: ConfigurationNode) throws(ConfigurationError) -> UInt64 {
        let text = try node.scalar("a datapath id")
        let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        guard !digits.isEmpty, digits.count <= 16, let value = UInt64(digits, radix: 16) else {
            throw node.error("a datapath id is up to 16 hex digits, got '\(text)'")
        }
        return value
    }

    /// `ASN:VALUE` (2-octet AS with a 32-bit value, or 4-octet AS with a
    /// 16-bit value) or `IPv4:VALUE`.
    private static func routeTarget(_ node: ConfigurationNode) throws(ConfigurationError) -> RouteTarget {
        let text = try node.scalar("a route target")
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw node.error("a route target is ASN:VALUE or IPv4:VALUE, got '\(text)'") }
        let (left, right) = (String(parts[0]), String(parts[1]))
        if let address = IPv4Address(left) {
            guard let value = UInt16(right) else { throw node.error("the value of IPv4:VALUE must fit 16 bits, got '\(text)'") }
            return .ipv4(address: address, value: value)
        }
        guard let asn = UInt32(left), asn > 0 else { throw node.error("not an AS number or IPv4 address in '\(text)'") }
        if let asn16 = UInt16(exactly: asn) {
            guard let value = UInt32(right) else { throw node.error("the value of ASN:VALUE must fit 32 bits, got '\(text)'") }
            return .twoOctetAS(asn: asn16, value: value)
        }
        guard let value = UInt16(right) else {
            throw node.error("with a 4-octet AS the value must fit 16 bits, got '\(text)'")
        }
        return .fourOctetAS(asn: asn, value: value)
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
            "\(problem) at line \(mark.line) column \(mark.column)"
        default:
            "\(error)"
        }
    }
}
