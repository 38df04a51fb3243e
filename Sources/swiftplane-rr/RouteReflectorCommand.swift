import AdminAPI
import ArgumentParser
import BGP
import BGPSpeaker
import ConfigurationValues
import BMPClient
import MRTDump
import Dispatch
import ExecutableSupport
import Logging
import NIOCore
import NIOPosix
import ReflectorConfiguration
import SpeakerAdmin

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swiftplane-rr`: a BGP route reflector (RFC 4456) for l2vpn/evpn.
@main
struct RouteReflectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-rr",
        abstract: "BGP EVPN route reflector (RFC 4456) for swiftplane agents.",
        discussion: """
            Every iBGP peer that connects from an --accept range becomes a route
            reflector client for l2vpn/evpn: its routes are reflected to every
            other client with ORIGINATOR_ID and CLUSTER_LIST set and the next
            hop unchanged. No configuration file is needed.

            Example (agents on 127.0.0.0/8 connect to port 11179):

              swiftplane-rr --as 65000 --router-id 127.0.0.1 --cluster-id 127.0.0.1 \\
                            --listen 127.0.0.1:11179 --accept 127.0.0.0/8

            The admin API (swiftplanectl neighbors / routes, Prometheus /metrics)
            listens on /run/swiftplane/rr.sock (mode 0600) unless --admin-socket
            or `admin:` in the file says otherwise:

              swiftplanectl routes --vni 10 --type 2 --socket /run/swiftplane/rr.sock

            Prometheus scrapes /metrics and /healthz on a TCP listener of their
            own, off unless --metrics or `metrics:` in the file names one:

              swiftplane-rr --config /etc/swiftplane/rr.yaml --metrics 127.0.0.1:9179

            BMP (RFC 7854): with --bmp or `bmp:` in the file the reflector dials a
            collector (pmacct's pmbmpd, for one) and sends it every peer's Peer Up
            with both OPENs, its UPDATEs as received (pre-policy Adj-RIB-In), the
            Loc-RIB (RFC 9069) and Peer Down; a lost collector is dialled again
            with backoff and sent the whole state anew:

              swiftplane-rr --config /etc/swiftplane/rr.yaml --bmp 127.0.0.1:11019

            MRT (RFC 6396): with --mrt-directory or `mrt:` every UPDATE received is
            written there as BGP4MP_ET/MESSAGE_AS4 (bgpdump reads it) in files
            updates.SECONDS.mrt of at most 64 MiB, the 8 newest kept; and a
            TABLE_DUMP_V2 of every peer's routes on request:

              swiftplanectl mrt table-dump --socket /run/swiftplane/rr.sock

            SIGHUP re-reads the file's neighbours; other changed fields (accept,
            timers, listen, ...) need a restart and the log names them. With
            --neighbor on the command line SIGHUP re-reads nothing (it says so).
            Logs go to standard error as key=value lines. SIGTERM or SIGINT sends
            CEASE (administrative shutdown) to every peer and exits 0.
            """,
        version: SwiftplaneVersion.text
    )

    @Option(help: "YAML configuration file (see deploy/rr.example.yaml); flags override its fields. SIGHUP re-reads its neighbours.")
    var config: String?

    @Flag(help: "Validate the configuration (file and flags) and exit: 0 when valid, 2 otherwise.")
    var checkConfig = false

    @Flag(help: "Print every key of the configuration file (type, default, meaning) as Markdown, and exit.")
    var configReference = false

    @Option(name: .customLong("as"), help: "Our AS number (1-4294967295); peers must be in the same AS (iBGP). Required, by flag or file.")
    var asn: ASNumber?

    @Option(help: "Our BGP identifier, an IPv4 address. Required, by flag or file.")
    var routerID: IPv4Address?

    @Option(help: "The cluster id (RFC 4456), an IPv4 address; defaults to the router id.")
    var clusterID: IPv4Address?

    @Option(help: "Address and port to listen on, IPV4:PORT or [IPV6]:PORT (default \(ConfigurationFile.Defaults.listen.defaultValueDescription)).")
    var listen: ListenAddress?

    @Option(help: "Accept peers from this IPv4 prefix (repeatable), e.g. 10.0.0.0/8.")
    var accept: [NeighborRange] = []

    @Option(help: "Connect to this iBGP peer, ADDRESS or ADDRESS:PORT (repeatable); it is a route reflector client.")
    var neighbor: [NeighborArgument] = []

    @Option(help: "Most dynamic peers at once (default \(ConfigurationFile.Defaults.maximumPeers)).")
    var maxPeers: Int?

    @Option(help: "Most routes a peer may send before it is closed with CEASE (maximum prefixes); default \(ConfigurationFile.Defaults.maximumPrefixes), 0: no limit.")
    var maxPrefixes: Int?

    @Option(help: "Hold time proposed, in seconds: 0 or 3-65535 (default \(ConfigurationFile.Defaults.holdTime)).")
    var holdTime: HoldTime?

    @Flag(inversion: .prefixedNo,
          help: "Graceful restart (RFC 4724) for l2vpn/evpn, both roles: keep a restarting peer's routes, and have peers keep ours (default \(ConfigurationFile.Defaults.gracefulRestart ? "on" : "off")).")
    var gracefulRestart: Bool?

    @Option(help: "Graceful restart time in seconds, 0-4095 (default \(ConfigurationFile.Defaults.restartTime)): how long peers keep our routes, and we theirs.")
    var restartTime: UInt16?

    @Option(help: "With graceful restart: seconds after start during which no UPDATE is sent, so returning clients' routes are all in before any table goes out (default \(ConfigurationFile.Defaults.selectionDeferralTime); 0: none).")
    var selectionDeferralTime: UInt16?

    @Flag(inversion: .prefixedNo,
          help: "Route target constraint (RFC 4684): a peer that negotiates it gets only the EVPN routes of the route targets it announces membership of; others get every route (default \(ConfigurationFile.Defaults.routeTargetConstraint ? "on" : "off")).")
    var routeTargetConstraint: Bool?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default \(ConfigurationFile.Defaults.logLevel.rawValue)).")
    var logLevel: Logger.Level?

    @Option(help: "The admin API's unix socket path, or a loopback HOST:PORT (default \(AdminAddress.routeReflectorDefault)).")
    var adminSocket: String?

    @Option(help: "Serve Prometheus /metrics and /healthz (only those) on this TCP HOST:PORT, e.g. 127.0.0.1:9179 (default: off).")
    var metrics: String?

    @Option(help: "Send BMP (RFC 7854) to the collector at IPV4:PORT or [IPV6]:PORT, e.g. 127.0.0.1:11019 (default: off).")
    var bmp: String?

    @Option(help: "With --bmp: seconds between Statistics Reports (routes per peer and in the Loc-RIB); 0: none (default \(ConfigurationFile.Defaults.bmpStatisticsInterval)).")
    var bmpStatisticsInterval: Int?

    @Flag(help: "With --bmp: also report what each peer is sent (Adj-RIB-Out, RFC 8671), from each UPDATE on; a reconnecting collector is not sent the tables out again.")
    var bmpAdjRIBOut = false

    @Option(help: "Write MRT (RFC 6396) dumps into this folder: every UPDATE received, and table dumps on request (default: off).")
    var mrtDirectory: String?

    func validate() throws {
        if let m = maxPeers, m < 0 { throw ValidationError("--max-peers: invalid value '\(m)': must be 0 or more") }
        if let t = restartTime, t > 4095 { throw ValidationError("--restart-time: invalid value '\(t)': must be 0-4095") }
        if let m = maxPrefixes, m < 0 { throw ValidationError("--max-prefixes: invalid value '\(m)': must be 0 or more") }
        if let i = bmpStatisticsInterval, !(0...86400).contains(i) { throw ValidationError("--bmp-statistics-interval: invalid value '\(i)': must be 0-86400 seconds") }
    }

    /// Bad flag values exit 2 (the usual status for usage errors of daemons), not ArgumentParser's 64.
    static func main() async { await Executable.main(Self.self, name: "swiftplane-rr") }

    /// The file's fields under the flags'; exits 2 naming what is wrong.
    func merged() -> Merged {
        var file = ConfigurationFile()
        if let path = config {
            do { file = try ConfigurationFile.load(path) } catch { refuse("\(error)") }
        }
        guard let asn = asn?.value ?? file.asn else { refuse("missing the AS number: --as or 'as' in the configuration file") }
        guard let routerID = routerID ?? file.routerID else { refuse("missing the router id: --router-id or 'router-id' in the configuration file") }
        let listen = listen ?? file.listen ?? ConfigurationFile.Defaults.listen
        let neighbors = neighbor.isEmpty
            ? (file.neighbors ?? []).map { $0.configuration(peerAS: asn) }
            : neighbor.map { NeighborConfiguration(address: $0.address, port: $0.port, peerAS: asn) }
        let restart = gracefulRestart ?? file.gracefulRestart ?? ConfigurationFile.Defaults.gracefulRestart
        var speaker = SpeakerConfiguration(
            localAS: asn, routerID: routerID, clusterID: clusterID ?? file.clusterID, listenHost: listen.host,
            listenPort: listen.port, accept: accept.isEmpty ? file.accept ?? [] : accept,
            maximumDynamicPeers: maxPeers ?? file.maximumPeers ?? ConfigurationFile.Defaults.maximumPeers, neighbors: neighbors,
            holdTime: holdTime?.seconds ?? file.holdTime ?? ConfigurationFile.Defaults.holdTime, connectRetryTime: .seconds(Int64(file.connectRetry ?? ConfigurationFile.Defaults.connectRetry)),
            maximumPrefixes: Self.maximumPrefixes(maxPrefixes ?? file.maximumPrefixes),
            families: routeTargetConstraint ?? file.routeTargetConstraint ?? ConfigurationFile.Defaults.routeTargetConstraint ? [.l2vpnEVPN, .routeTargetConstraint] : [.l2vpnEVPN],
            gracefulRestart: restart ? GracefulRestartConfiguration(
                restartTime: restartTime ?? file.restartTime ?? ConfigurationFile.Defaults.restartTime,
                selectionDeferralTime: selectionDeferralTime ?? file.selectionDeferralTime ?? ConfigurationFile.Defaults.selectionDeferralTime) : nil)
        speaker.keepaliveTime = file.keepalive
        speaker.maximumOutputQueue = file.maximumOutputQueue ?? ConfigurationFile.Defaults.maximumOutputQueue
        var admin = file.adminAddress ?? .routeReflectorDefault
        if let adminSocket {
            do { admin = try AdminAddress(parsing: adminSocket) } catch { refuse("--admin-socket: \(error)") }
        }
        var metricsAddress = file.metricsAddress
        if let metrics {
            do { metricsAddress = try MetricsListener.address(parsing: metrics) } catch { refuse("--metrics: \(error)") }
        }
        var bmpCollector = file.bmpCollector
        if let bmp {
            guard let (address, port) = ListenAddress.hostPort(bmp), port > 0 else { refuse("--bmp: invalid value '\(bmp)': expected the collector's IPV4:PORT or [IPV6]:PORT, port 1-65535") }
            bmpCollector = ListenAddress(host: "\(address)", port: port)
        }
        var mrt = file.mrt
        if let mrtDirectory {
            guard mrtDirectory.hasPrefix("/") else { refuse("--mrt-directory: invalid value '\(mrtDirectory)': expected an absolute folder path") }
            mrt = ConfigurationFile.MRTDumpSettings(directory: mrtDirectory, fileSize: mrt?.fileSize ?? ConfigurationFile.Defaults.mrtFileSize,
                                                     files: mrt?.files ?? ConfigurationFile.Defaults.mrtFiles)
        }
        return Merged(speaker: speaker, level: logLevel ?? Logger.Level(rawValue: (file.logLevel ?? ConfigurationFile.Defaults.logLevel).rawValue) ?? .info, admin: admin, adminMode: mode_t(file.adminSocketMode ?? ConfigurationFile.Defaults.adminSocketMode.rawValue),
                      metrics: metricsAddress, bmp: bmpCollector, mrt: mrt, file: file)
    }

    struct Merged {
        var speaker: SpeakerConfiguration
        var level: Logger.Level
        var admin: AdminAddress
        var adminMode: mode_t
        var metrics: AdminAddress?
        var bmp: ListenAddress?
        var mrt: ConfigurationFile.MRTDumpSettings?
        /// The file as read at start (empty without --config): a reload compares with it.
        var file: ConfigurationFile
    }

    /// The limit the flag or the file sets (0: none), else the default.
    static func maximumPrefixes(_ configured: Int?) -> Int? {
        switch configured {
        case nil: ConfigurationFile.Defaults.maximumPrefixes
        case 0?: nil
        case let limit?: limit
        }
    }

    func run() async throws {
        if configReference {
            print(ConfigurationFile.schema.markdown(), terminator: "")
            return
        }
        let all = merged()
        let (config, level, adminAddress, adminMode) = (all.speaker, all.level, all.admin, all.adminMode)
        if checkConfig {
            let rtc = config.families.contains(.routeTargetConstraint) ? "on" : "off"
            let prefixes = config.maximumPrefixes.map { "\($0) per peer" } ?? "no limit"
            let metricsText = all.metrics.map { ", metrics on \($0)" } ?? ""
            let bmpText = (all.bmp.map { ", BMP to \($0.defaultValueDescription)" } ?? "") + (all.mrt.map { ", MRT dumps in \($0.directory)" } ?? "")
            print("swiftplane-rr: configuration valid (as \(config.localAS), router-id \(config.routerID), \(config.neighbors.count) neighbours, route target constraint \(rtc), max-prefixes \(prefixes), admin API on \(adminAddress)\(metricsText)\(bmpText))")
            return
        }
        // Changeable at run time: swiftplanectl log-level LEVEL.
        let runtimeLevel = RuntimeLogLevel(level)
        runtimeLevel.bootstrap()
        let logger = Logger(label: "swiftplane-rr")
        // Before the speaker exists: it makes its counters at init.
        let registry = PrometheusPage.bootstrap()
        // For measurements only: every peer planned on its own, as before subgroups.
        var tuned = config
        if getenv("SWIFTPLANE_RR_SUBGROUPS").map({ String(cString: $0) }) == "off" { tuned.subgroups = false }
        let speaker = Speaker(tuned, logger: logger)
        if config.families.contains(.routeTargetConstraint) {
            // RFC 4684: a reflector asks its clients for every route with the
            // default membership; what each client gets is filtered here.
            await speaker.originate(RouteTargetMembership.routes([.default], nextHop: config.routerID))
        }
        // Before the speaker starts: the collector hears of every session from its first.
        let bmpClient: BMPClient? = if let c = all.bmp {
            await BMPClient.monitoring(speaker, BMPClient.Configuration(host: c.host, port: c.port, sysName: "swiftplane-rr \(config.routerID)",
                                                                        sysDescr: "swiftplane-rr \(SwiftplaneVersion.text) (BGP EVPN route reflector)",
                                                                        statisticsInterval: bmpStatisticsInterval.map { $0 == 0 ? nil : .seconds(Int64($0)) } ?? .seconds(Int64(ConfigurationFile.Defaults.bmpStatisticsInterval))),
                                       adjRIBOut: bmpAdjRIBOut, logger: logger)
        } else { nil }
        let mrtWriter = await Self.startMRT(all.mrt, speaker: speaker, logger: logger)
        do {
            try await speaker.start()
        } catch {
            // Name what was starting and where: "address already in use" alone names neither.
            printError("swiftplane-rr: BGP listener on \(config.listenHost):\(config.listenPort): \(error)")
            terminate(1)
        }
        var router = AdminRouter()
        router.serveBGP(speaker)
        let gauges = SpeakerGauges(), healthGauges = HealthGauges()
        let health: @Sendable () async -> HealthReport = { HealthReport(checks: HealthCheck.sessions(await speaker.neighbors())) }
        router.serveMetrics(registry) { await gauges.refresh(speaker); healthGauges.refresh(await health()) }
        router.serveHealth(health)
        router.serveLogLevel(runtimeLevel)
        router.serveNeighborActions(speaker)
        var tableDump: (@Sendable () async throws -> MRTTableDumpReport)?
        if let mrtWriter { tableDump = { try await Self.tableDump(speaker, mrtWriter) } }
        router.serveMRTTableDump(tableDump)
        let admin = AdminServer(address: adminAddress, router: router, mode: adminMode)
        do {
            let bound = try await admin.start()
            logger.info("admin API listening", metadata: ["address": "\(bound)"])
        } catch {
            // Reflecting routes matters more than the operator's view of it: carry on without.
            logger.error("admin API cannot listen; running without it", metadata: ["address": "\(adminAddress)", "error": "\(error)"])
        }
        let metricsServer = await Self.startMetrics(all.metrics, router: router, logger: logger)
        let watching = Task { await HealthWatch.run(logger: logger, report: health) }

        // Signals arrive on a dispatch source; the handler stops the speaker and exits.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let (stops, continuation) = AsyncStream<Int32>.makeStream()
        // SIGHUP: the file's neighbours again (flags' neighbours, when given, stay as they are).
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        if let path = self.config, neighbor.isEmpty {
            let asn = config.localAS
            let started = all.file
            hup.setEventHandler {
                do {
                    let file = try ConfigurationFile.load(path)
                    let neighbors = (file.neighbors ?? []).map { $0.configuration(peerAS: asn) }
                    let ignored = started.restartOnlyChanges(in: file)
                    if !ignored.isEmpty {
                        logger.warning("SIGHUP: changes that need a restart are not applied; the running values stay",
                                       metadata: ["settings": "\(ignored.joined(separator: ", "))"])
                    }
                    logger.info("SIGHUP: configuration re-read", metadata: ["file": "\(path)", "neighbours": "\(neighbors.count)"])
                    Task { await speaker.reconfigureNeighbors(neighbors) }
                } catch {
                    logger.error("SIGHUP: configuration refused, nothing changed", metadata: ["error": "\(error)"])
                }
            }
        } else {
            let why = self.config == nil ? "no --config file to re-read" : "--neighbor on the command line fixes the neighbours"
            if self.config != nil { logger.notice("SIGHUP will not reload: --neighbor on the command line fixes the neighbours") }
            hup.setEventHandler { logger.warning("SIGHUP ignored: \(why)") }
        }
        hup.resume()
        let sources = [SIGTERM, SIGINT].map { sig in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { continuation.yield(sig) }
            s.resume()
            return s
        }
        for await sig in stops {
            logger.info("signal received, stopping", metadata: ["signal": "\(sig)"])
            break
        }
        watching.cancel()
        await metricsServer?.stop()
        await admin.stop()
        await speaker.shutdown()
        // After the speaker: its Peer Downs go before the Termination.
        await bmpClient?.stop()
        mrtWriter?.stop()
        sources.forEach { $0.cancel() }
        hup.cancel()
    }
}

extension RouteReflectorCommand {
    /// The Prometheus listener, when configured; one that cannot listen is
    /// logged (naming it and the address) and the reflector carries on.
    static func startMetrics(_ address: AdminAddress?, router: AdminRouter, logger: Logger) async -> AdminServer? {
        guard let address else { return nil }
        let server = MetricsListener.server(address: address, serving: router)
        do {
            let bound = try await server.start()
            logger.info("metrics listening", metadata: ["address": "\(bound)", "paths": "\(MetricsListener.paths.joined(separator: " "))"])
            return server
        } catch {
            logger.error("metrics listener cannot listen; running without it", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

extension RouteReflectorCommand {
    /// The MRT update dump, when configured; a folder that cannot be written
    /// is a startup error naming it (exit 1).
    static func startMRT(_ settings: ConfigurationFile.MRTDumpSettings?, speaker: Speaker, logger: Logger) async -> MRTFileWriter? {
        guard let settings else { return nil }
        let writer = MRTFileWriter(.init(directory: settings.directory, maximumFileBytes: settings.fileSize, maximumFiles: settings.files), logger: logger)
        do { try writer.start() } catch {
            printError("swiftplane-rr: MRT dumps: \(error)")
            terminate(1)
        }
        await speaker.addObserver(SpeakerMRTObserver(writer: writer))
        logger.info("MRT update dumps", metadata: ["directory": "\(settings.directory)", "file-size": "\(settings.fileSize)", "files": "\(settings.files)"])
        return writer
    }

    /// A TABLE_DUMP_V2 of the routes now, beside the update dumps.
    static func tableDump(_ speaker: Speaker, _ writer: MRTFileWriter) async throws -> MRTTableDumpReport {
        let snapshot = await speaker.monitoringSnapshot()
        let records = SpeakerMRTMapping.tableDump(snapshot, at: .now())
        let path = try writer.writeTableDump(records)
        return MRTTableDumpReport(file: path, peers: snapshot.sessions.count, destinations: records.count - 1)
    }
}

/// A configuration or flag value refused: said on standard error, exit 2.
func refuse(_ message: String) -> Never {
    printError("swiftplane-rr: " + message)
    terminate(2)
}
