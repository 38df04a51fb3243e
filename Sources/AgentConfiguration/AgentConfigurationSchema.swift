import Agent
import ConfigurationReader
import ConfigurationSections
import ConfigurationValues
import NetAddress
import SocketFile

extension AgentConfiguration {
    /// Every key `load` reads, with its type, default (from the declared
    /// defaults) and meaning: `swiftplane-agent --config-reference` prints it.
    public static let schema: ConfigurationSchema = {
        let restart = GracefulRestart()
        let duplicates = DuplicateMACDetector.Settings()
        let admin = AdminSettings()
        let levels = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
        let mode = "`0600` (root only) or `0660` (also the group), quoted"
        return ConfigurationSchema(file: "agent.yaml", keys: [
            .required("vtep", "IPv4 or IPv6 address", "this host's VXLAN tunnel end point, the address the other hosts reach", example: "10.0.0.1"),
            .required("as", "integer 1-4294967295", "the BGP AS number, shared with the route reflectors (iBGP)", example: "65000"),
            .optional("router-id", "IPv4 address", default: "the vtep (required with an IPv6 vtep)",
                      "BGP identifier and the address in the route distinguishers (router-id:VNI)"),
            .optional("log-level", "one of \(levels)", default: defaultLogLevel.rawValue, "what is logged (standard error, key=value lines)"),
            AdminSection.key(address: admin.address, socketMode: SocketFileMode(rawValue: admin.socketMode) ?? .owner),
            MetricsSection.key(example: "127.0.0.1:9179"),
            .optional("bmp", "HOST:PORT, or a mapping", default: "none", "BMP (RFC 7854) collector the BGP speaker reports to; needs route-reflectors",
                      example: "127.0.0.1:11019", children: [
                .required("collector", "IPV4:PORT or [IPV6]:PORT", "the collector", example: "127.0.0.1:11019"),
                .optional("statistics-interval", "integer 0-86400 (seconds)", default: "\(defaultBMPStatisticsInterval.components.seconds)",
                          "between Statistics Reports; 0: none"),
                .optional("adj-rib-out", "boolean", default: "false", "also what each reflector is sent (RFC 8671)"),
            ]),
            .optional("bgp-listen", "HOST:PORT", default: HostPort.text(host: defaultBGPHost, port: defaultBGPListenPort),
                      "the BGP speaker's source address and listen port (port 0: any)"),
            .optional("route-reflectors", "list of mappings", default: "none (no BGP)", "the reflectors the agent peers with", list: true, children: [
                .required("address", "IP address", "the reflector", example: "10.0.0.254"),
                .optional("port", "integer 1-65535", default: "\(defaultBGPPort)", "its BGP port"),
                .optional("password", "string, at most 80 octets", default: "none", "RFC 2385 TCP MD5 key shared with it (never printed)"),
            ]),
            .optional("controller", "mapping", default: "listen on \(ControllerListenAddress.default)", "the OpenFlow controller the bridges connect to", children: [
                .optional("listen", "HOST:PORT, [IPv6]:PORT or unix:/PATH", default: "\(ControllerListenAddress.default)",
                          "where the bridges connect (`--controller-target` prints the `ovs-vsctl set-controller` target)"),
                .optional("socket-mode", mode, default: SocketFileMode(rawValue: defaultControllerSocketMode).map { "\($0)" } ?? "",
                          "the socket file's mode, with `unix:` only"),
                .optional("allow-non-loopback", "boolean", default: "false", "allow plain TCP off loopback (any host reaching it acts as a switch)"),
                .optional("tls", "mapping", default: "none", "`ssl:` with mutual TLS (TCP only); the files are checked at load", children: [
                    .required("certificate", "PEM file path", "the controller's certificate", example: "/etc/swiftplane/controller.pem"),
                    .required("private-key", "PEM file path", "its key", example: "/etc/swiftplane/controller.key"),
                    .required("ca-certificate", "PEM file path", "the CA that signs the switches' certificates", example: "/etc/swiftplane/switch-ca.pem"),
                ]),
                .optional("address-resolution-rate", "integer 0-1000000 (packets/s)", default: "\(defaultAddressResolutionRate)",
                          "ARP/NS to the agent per bridge, and gleaning copies per tenant (OpenFlow meters); 0: no meters"),
            ]),
            .optional("gleaned-expiry", "integer 0-31536000 (seconds)", default: "\(defaultGleanedExpiry.components.seconds)",
                      "silence before a gleaned endpoint is withdrawn; 0: never"),
            .optional("flow-audit-interval", "integer 0-31536000 (seconds)", default: "\(defaultFlowAuditInterval.components.seconds)",
                      "between reads of each switch's flows (drift repaired and counted); 0: only when a switch connects"),
            .optional("state-file", "absolute file path, or none", default: "none", "where gleaned endpoints are kept across restarts"),
            .optional("duplicate-mac", "mapping", default: "on", "duplicate MAC detection (RFC 7432 section 15.1)", children: [
                .optional("max-moves", "integer 1-1000000", default: "\(duplicates.maximumMoves)", "moves tolerated within the window; one more freezes the MAC"),
                .optional("window", "integer 1-31536000 (seconds)", default: "\(duplicates.window.components.seconds)", "the window moves are counted in"),
            ]),
            .optional("graceful-restart", "mapping", default: "enabled", "RFC 4724 on the agent's sessions", children: [
                .optional("enabled", "boolean", default: "\(restart.enabled)", "offer it, and close sessions without NOTIFICATION at SIGTERM"),
                .optional("restart-time", "integer 1-4095 (seconds)", default: "\(restart.restartTime)", "how long the reflectors keep our routes while we restart"),
                .optional("selection-deferral-time", "integer 1-3600 (seconds)", default: "\(restart.selectionDeferralTime)",
                          "after a start, the longest wait for the reflectors' End-of-RIB before the switches are touched"),
            ]),
            .required("bridges", "list of mappings, at least one", "the OVS bridges the agent programs", list: true, children: [
                .required("name", "string", "the bridge's name in OVS", example: "br0"),
                .optional("ovsdb", "unix:PATH, tcp:HOST:PORT or /PATH", default: "none (static endpoints only)", "where its ports are read from"),
                .required("vxlan-port", "integer 1-4294967039", "the ofport of its flow-based VXLAN port", example: "100"),
                .optional("datapath-id", "1-16 hex digits", default: "the id OVSDB reports for the name (any switch, with one bridge and no ovsdb)",
                          "which connecting switch is this bridge"),
                .optional("port-security", "boolean", default: "false", "on ports with configured or OVSDB endpoints, only they may send"),
            ]),
            .required("vnis", "list of mappings", "the tenants this host serves", list: true, children: [
                .required("vni", "integer 1-16777215", "the VXLAN network identifier", example: "10"),
                .optional("route-target", "ASN:VALUE or IPv4:VALUE", default: "AS:VNI (required with a 4-octet AS)", "the tenant's route target"),
                .optional("flood", "drop or ingress-replication", default: FloodMode.drop.rawValue,
                          "BUM frames dropped and counted, or copied to the VTEPs of the tenant's type-3 routes"),
            ]),
            .optional("endpoints", "list of mappings", default: "none", "static endpoints behind local ports", list: true, children: [
                .required("vni", "integer 1-16777215, one of vnis", "its tenant", example: "10"),
                .required("mac", "unicast MAC address", "its MAC", example: "02:00:00:00:00:01"),
                .optional("ips", "list of IPv4 or IPv6 addresses", default: "none", "its addresses (answered by the ARP/ND responders)"),
                .required("port", "integer 1-4294967039", "the ofport it is behind", example: "1"),
                .optional("bridge", "a bridge's name", default: "the only bridge (required with several)", "the bridge of that port"),
            ]),
        ])
    }()
}
