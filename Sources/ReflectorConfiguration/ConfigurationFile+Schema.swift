import ConfigurationReader
import ConfigurationSections
import ConfigurationValues
import SocketFile

extension ConfigurationFile {
    /// Every key `load` reads, with its type, default (from `Defaults`) and
    /// meaning: `swiftplane-rr --config-reference` prints it. Flags of the
    /// same name override the file.
    public static let schema: ConfigurationSchema = {
        let levels = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
        let password = ConfigurationKey.optional("password", "string, at most 80 octets", default: "none",
                                                 "RFC 2385 TCP MD5 key (never printed)")
        return ConfigurationSchema(file: "rr.yaml", keys: [
            .optional("as", "integer 1-4294967295", default: "`--as` (one of the two is required)", "our AS; every peer is iBGP in it"),
            .optional("router-id", "IPv4 address", default: "`--router-id` (one of the two is required)", "the BGP identifier"),
            .optional("cluster-id", "IPv4 address", default: "the router id", "RFC 4456 cluster id, the same on the reflectors of one cluster"),
            .optional("listen", "IPV4:PORT or [IPV6]:PORT", default: "\(Defaults.listen)", "where BGP listens (port 0: any)"),
            .optional("accept", "list of prefixes, or of mappings", default: "none", "peers connecting from these ranges become reflector clients",
                      example: "[10.0.0.0/8]", list: true, children: [
                .required("prefix", "IPv4 or IPv6 prefix", "the range", example: "10.0.0.0/8"),
                password,
            ]),
            .optional("neighbors", "list of mappings", default: "none", "peers the reflector dials (or waits for); SIGHUP re-reads them", list: true, children: [
                .required("address", "IP address", "the peer", example: "10.255.0.2"),
                .optional("port", "integer 1-65535", default: "\(Defaults.bgpPort)", "its BGP port"),
                .optional("passive", "boolean", default: "false", "wait for it to dial"),
                password,
            ]),
            .optional("timers", "mapping", default: "as below", "BGP timers (RFC 4271)", children: [
                .optional("hold", "integer 0 or 3-65535 (seconds)", default: "\(Defaults.holdTime)", "hold time proposed"),
                .optional("keepalive", "integer 1-65535 (seconds), less than hold", default: "a third of the negotiated hold time", "between KEEPALIVEs"),
                .optional("connect-retry", "integer 1-65535 (seconds)", default: "\(Defaults.connectRetry)", "between attempts to dial a neighbour"),
            ]),
            .optional("max-prefixes", "integer 0-2147483647", default: "\(Defaults.maximumPrefixes)",
                      "routes a peer may send before it is closed with CEASE; 0: no limit"),
            .optional("max-peers", "integer 0-2147483647", default: "\(Defaults.maximumPeers)", "dynamic (accepted) peers at once"),
            .optional("max-output-queue", "integer 1048576-1073741824 (octets)", default: "\(Defaults.maximumOutputQueue)",
                      "what a peer may leave unread before it is closed with CEASE (out of resources)"),
            .optional("graceful-restart", "mapping", default: Defaults.gracefulRestart ? "enabled" : "disabled", "RFC 4724 for l2vpn/evpn, both roles", children: [
                .optional("enabled", "boolean", default: "\(Defaults.gracefulRestart)", "keep a restarting peer's routes, and have peers keep ours"),
                .optional("restart-time", "integer 0-4095 (seconds)", default: "\(Defaults.restartTime)", "how long peers keep our routes, and we theirs"),
                .optional("selection-deferral-time", "integer 0-3600 (seconds)", default: "\(Defaults.selectionDeferralTime)",
                          "after a start, the longest wait for clients' End-of-RIB before tables go out; 0: none"),
            ]),
            .optional("route-target-constraint", "boolean", default: "\(Defaults.routeTargetConstraint)",
                      "RFC 4684: a peer that negotiates it gets only its route targets' routes"),
            .optional("log-level", "one of \(levels)", default: Defaults.logLevel.rawValue, "what is logged (standard error, key=value lines)"),
            AdminSection.key(address: .routeReflectorDefault, socketMode: Defaults.adminSocketMode),
            MetricsSection.key(example: "127.0.0.1:9180"),
            .optional("bmp", "IPV4:PORT or [IPV6]:PORT", default: "none", "BMP (RFC 7854) collector the reflector dials", example: "127.0.0.1:11019"),
            .optional("mrt", "mapping", default: "none", "MRT (RFC 6396) update dumps; table dumps on request", children: [
                .required("directory", "absolute folder path", "where the files go", example: "/var/lib/swiftplane-rr/mrt"),
                .optional("file-size", "integer 4096-1099511627776 (octets)", default: "\(Defaults.mrtFileSize)", "a new file once one would pass it"),
                .optional("files", "integer 1-100000", default: "\(Defaults.mrtFiles)", "the newest kept"),
            ]),
        ])
    }()
}
