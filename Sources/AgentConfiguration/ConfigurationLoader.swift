import Agent
import BGP
import ConfigurationReader
import ConfigurationSections
import ConfigurationValues
import OpenFlow
import Overlay
import SocketFile

extension AgentConfiguration {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> AgentConfiguration {
        try read(ConfigurationDocument.load(path: path), file: path)
    }

    /// Checks a configuration given as YAML text; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> AgentConfiguration {
        try read(ConfigurationDocument.parse(yaml, file: file), file: file)
    }

    private static func read(_ root: ConfigurationNode?, file: String) throws(ConfigurationError) -> AgentConfiguration {
        guard let root else { throw ConfigurationError(file: file, path: "", reason: "the file is empty") }
        var top = try ConfigurationMapping(root)

        let vtepNode = try top.required("vtep")
        let vtepText = try vtepNode.scalar()
        guard let vtepAddress = IPAddress(vtepText) else { throw vtepNode.invalid("expected an IPv4 or IPv6 address") }
        let vtep = VTEP(vtepAddress)
        let asNode = try top.required("as")
        let asn = try asNode.integer(1...UInt32.max, "the AS number")
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
            try node.choice(LogLevel.self)
        } ?? defaultLogLevel

        var routeReflectors: [RouteReflector] = []
        if let list = top.optional("route-reflectors") {
            for item in try list.sequence() {
                var map = try ConfigurationMapping(item)
                let addressNode = try map.required("address")
                let text = try addressNode.scalar()
                guard let address = IPAddress(text) else {
                    throw addressNode.invalid("expected an IP address")
                }
                let port = try map.optional("port")?.integer(1...65535, "the port") ?? defaultBGPPort
                var password: String?
                if let node = map.optional("password", secret: true) {
                    password = try node.secret(TCPMD5Key.problem)
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
                gracefulRestart.enabled = try enabled.boolean()
            }
            if let time = map.optional("restart-time") {
                gracefulRestart.restartTime = try time.integer(1...4095, "the restart time in seconds")
            }
            if let time = map.optional("selection-deferral-time") {
                gracefulRestart.selectionDeferralTime = try time.integer(1...3600, "the selection deferral time in seconds")
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
                try node.boolean()
            } ?? false
            let listenNode = map.optional("listen")
            if let listen = listenNode {
                let text = try listen.scalar()
                do throws(ControllerListenAddressError) {
                    controllerListen = try ControllerListenAddress(parsing: text)
                } catch {
                    throw listen.invalid(error.reason)
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
                throw listenNode.invalid("not a loopback address: plain TCP to the controller has no authentication; "
                    + "allow it explicitly to listen there (allow-non-loopback: true), or use tls")
            }
            if let rate = map.optional("address-resolution-rate") {
                let value: UInt32 = try rate.integer(0...1_000_000, "packets per second (0: no meter)")
                addressResolutionRate = value == 0 ? nil : value
            }
            try map.finish()
        }

        var gleanedExpiry: Duration? = defaultGleanedExpiry
        if let node = top.optional("gleaned-expiry") {
            let seconds = try node.integer(0...86_400 * 365, "seconds (0: never)")
            gleanedExpiry = seconds == 0 ? nil : .seconds(seconds)
        }

        var flowAuditInterval: Duration? = defaultFlowAuditInterval
        if let node = top.optional("flow-audit-interval") {
            let seconds = try node.integer(0...86_400 * 365, "seconds (0: only when a switch connects)")
            flowAuditInterval = seconds == 0 ? nil : .seconds(seconds)
        }

        var duplicateDetection = DuplicateMACDetector.Settings()
        if let node = top.optional("duplicate-mac") {
            var map = try ConfigurationMapping(node)
            if let moves = map.optional("max-moves") {
                duplicateDetection.maximumMoves = try moves.integer(1...1_000_000, "a number of moves")
            }
            if let window = map.optional("window") {
                duplicateDetection.window = .seconds(try window.integer(1...86_400 * 365, "seconds"))
            }
            try map.finish()
        }

        var admin = AdminSettings()
        if let node = top.optional("admin") {
            let section = try AdminSection(node)
            admin.address = section.address ?? admin.address
            admin.socketMode = section.socketMode?.rawValue ?? admin.socketMode
        }

        var bgpHost = defaultBGPHost
        var bgpPort = defaultBGPListenPort
        if let listen = top.optional("bgp-listen") {
            (bgpHost, bgpPort) = try hostPort(listen)
        }

        let bridgeList = try top.required("bridges").sequence()
        if bridgeList.isEmpty { throw ConfigurationError(file: file, path: "bridges", reason: "at least one bridge is needed") }
        var bridges: [Bridge] = []
        for item in bridgeList {
            var map = try ConfigurationMapping(item)
            let nameNode = try map.required("name")
            let name = try nameNode.scalar()
            if name.isEmpty { throw nameNode.error("a bridge name cannot be empty") }
            if bridges.contains(where: { $0.name == name }) { throw nameNode.error("bridge '\(name)' is listed twice") }
            let ovsdb = try map.optional("ovsdb").map { node throws(ConfigurationError) in try ovsdbEndpoint(node) }
            let vxlanPort: UInt32 = try map.required("vxlan-port").integer(1...0xffff_feff, "the VXLAN port's ofport")
            let datapathID = try map.optional("datapath-id").map { node throws(ConfigurationError) in
                try node.parsed(DatapathID.expected) { DatapathID($0) }
            }
            let portSecurity = try map.optional("port-security").map { node throws(ConfigurationError) in try node.boolean() } ?? false
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
                                     reason: "\(id) is already bridge '\(bridges[first].name)'s")
        }

        var tenants: [Tenant] = []
        for item in try top.required("vnis").sequence() {
            var map = try ConfigurationMapping(item)
            let vniNode = try map.required("vni")
            let raw = try vniNode.integer(1...VNI.maximum, "the VNI")
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
                try node.choice(FloodMode.self)
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
            let raw = try vniNode.integer(1...VNI.maximum, "the VNI")
            guard let vni = VNI(rawValue: raw), tenants.contains(where: { $0.instance.vni == vni }) else {
                throw vniNode.error("VNI \(raw) is not configured under vnis")
            }
            let macNode = try map.required("mac")
            let macText = try macNode.scalar()
            guard let mac = EthernetAddress(macText) else { throw macNode.invalid("expected a MAC address") }
            if mac.isMulticast || mac.rawValue == 0 {
                throw macNode.invalid("an endpoint needs a unicast MAC address")
            }
            var ipv4: [IPv4Address] = []
            var ipv6: [IPv6Address] = []
            for ipNode in try map.optional("ips")?.sequence() ?? [] {
                let text = try ipNode.scalar()
                switch IPAddress(text) {
                case let .v4(ip)?: ipv4.append(ip)
                case let .v6(ip)?: ipv6.append(ip)
                case nil: throw ipNode.invalid("expected an IP address")
                }
            }
            let port: UInt32 = try map.required("port").integer(1...0xffff_feff, "the ofport")
            let bridgeNode = map.optional("bridge")
            let bridge: String
            if let bridgeNode {
                bridge = try bridgeNode.scalar()
                guard bridges.contains(where: { $0.name == bridge }) else {
                    throw bridgeNode.invalid("no bridge of that name")
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
        let metrics = try top.optional("metrics").map { node throws(ConfigurationError) in try MetricsSection.address(node) }
        let bmp = try top.optional("bmp").map { node throws(ConfigurationError) in try bmpCollector(node) }
        if let bmp, routeReflectors.isEmpty {
            throw ConfigurationError(file: file, path: "bmp", reason: "BMP to \(bmp.collector) reports the BGP speaker, "
                + "and there is none without route-reflectors")
        }
        var stateFile: String?
        if let node = top.optional("state-file") {
            let path = try node.scalar()
            if path != "none" {
                guard path.hasPrefix("/"), !path.hasSuffix("/") else {
                    throw node.invalid("the state file is an absolute file path, or none")
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

    /// The three PEM files, each read and its PEM blocks checked now, so
    /// that a wrong path or format is a configuration error (also for
    /// --check-config), not a failed start.
    private static func tlsFiles(_ node: ConfigurationNode) throws(ConfigurationError) -> ControllerTLSFiles {
        var map = try ConfigurationMapping(node)
        let certificate = try map.required("certificate")
        let privateKey = try map.required("private-key")
        let caCertificate = try map.required("ca-certificate")
        try map.finish()
        let files = ControllerTLSFiles(certificate: try certificate.scalar(), privateKey: try privateKey.scalar(),
                                       caCertificate: try caCertificate.scalar())
        do throws(ControllerTLSFiles.FileError) {
            try files.check()
        } catch {
            let field = switch error.path {
            case files.privateKey: privateKey
            case files.caCertificate: caCertificate
            default: certificate
            }
            throw field.error(error.description)
        }
        return files
    }

    /// A unix socket file's mode: 0600 or 0660 (who else but root may connect).
    private static func socketMode(_ node: ConfigurationNode) throws(ConfigurationError) -> UInt32 {
        try node.parsed(SocketFileMode.expected) { SocketFileMode($0)?.rawValue }
    }


    private static func ipv4(_ node: ConfigurationNode, _ what: String) throws(ConfigurationError) -> IPv4Address {
        try node.parsed(what) { IPv4Address($0) }
    }

    /// `HOST:PORT`, or `[IPv6]:PORT`.
    private static func hostPort(_ node: ConfigurationNode) throws(ConfigurationError) -> (String, Int) {
        let text = try node.scalar()
        let (host, port): (String, Int)
        do throws(HostPortError) {
            (host, port) = try HostPort.parse(text)
        } catch .badPort {
            throw node.invalid("the listen port must be in 0...65535")
        } catch .notIPv6InBrackets {
            throw node.invalid("the listen host must be an IP address")
        } catch {
            throw node.invalid(error.description)
        }
        guard IPAddress(host) != nil else { throw node.invalid("the listen host must be an IP address") }
        return (host, port)
    }

    /// `bmp: HOST:PORT`, or a mapping with `collector: HOST:PORT`,
    /// `statistics-interval` (seconds, 0: none) and `adj-rib-out`.
    private static func bmpCollector(_ node: ConfigurationNode) throws(ConfigurationError) -> BMPCollector {
        var collectorNode = node
        var interval: Duration? = defaultBMPStatisticsInterval
        var adjRIBOut = false
        if case .mapping = node.node {
            var map = try ConfigurationMapping(node)
            collectorNode = try map.required("collector")
            if let seconds = try map.optional("statistics-interval")?.integer(Int64(0)...86400, "seconds between Statistics Reports (0: none)") {
                interval = seconds == 0 ? nil : .seconds(seconds)
            }
            adjRIBOut = try map.optional("adj-rib-out").map { node throws(ConfigurationError) in try node.boolean() } ?? false
            try map.finish()
        }
        let text = try collectorNode.scalar()
        let problem = "expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535"
        guard let (host, port) = try? HostPort.parse(text), port > 0, IPAddress(host) != nil else { throw collectorNode.invalid(problem) }
        return BMPCollector(host: host, port: port, statisticsInterval: interval, adjRIBOut: adjRIBOut)
    }

    /// `unix:PATH`, `tcp:HOST:PORT`, or a bare socket path.
    private static func ovsdbEndpoint(_ node: ConfigurationNode) throws(ConfigurationError) -> OVSDBEndpoint {
        let text = try node.scalar()
        if text.hasPrefix("/") { return .unix(path: text) }
        guard let endpoint = OVSDBEndpoint(text) else {
            throw node.invalid("an OVSDB endpoint is unix:PATH, tcp:HOST:PORT or /PATH")
        }
        return endpoint
    }

    /// `ASN:VALUE` (2-octet AS with a 32-bit value, or 4-octet AS with a
    /// 16-bit value) or `IPv4:VALUE`.
    private static func routeTarget(_ node: ConfigurationNode) throws(ConfigurationError) -> RouteTarget {
        let text = try node.scalar()
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw node.invalid("a route target is ASN:VALUE or IPv4:VALUE") }
        let (left, right) = (String(parts[0]), String(parts[1]))
        if let address = IPv4Address(left) {
            guard let value = UInt16(right) else { throw node.invalid("the value of IPv4:VALUE must fit 16 bits") }
            return .ipv4(address: address, value: value)
        }
        guard let asn = UInt32(left), asn > 0 else { throw node.invalid("not an AS number or IPv4 address before the colon") }
        if let asn16 = UInt16(exactly: asn) {
            guard let value = UInt32(right) else { throw node.invalid("the value of ASN:VALUE must fit 32 bits") }
            return .twoOctetAS(asn: asn16, value: value)
        }
        guard let value = UInt16(right) else {
            throw node.invalid("with a 4-octet AS the value must fit 16 bits")
        }
        return .fourOctetAS(asn: asn, value: value)
    }
}
