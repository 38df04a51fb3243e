import AdminAPI
import AgentConfiguration
import ArgumentParser
import Dispatch
import ExecutableSupport
import Logging
import OpenFlowController

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swiftplane-agent`: the per-host OpenFlow controller and BGP speaker of
/// a swiftplane overlay.
@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplane-agent",
        abstract: "Per-host swiftplane agent: OpenFlow 1.3 controller for the host's Open vSwitch bridges.",
        discussion: """
            The agent keeps each bridge on exactly the flows its tenants need:
            unicast to local ports or into the VXLAN tunnel, ARP answered inside
            OVS, IPv6 neighbour solicitations answered by the agent, and
            broadcast, multicast and unknown unicast dropped and counted. It
            learns endpoints from its configuration and gleans them from
            packet-ins.

            Point the bridge at it (before adding flows):

              ovs-vsctl set-controller br0 tcp:127.0.0.1:6653
              ovs-vsctl set bridge br0 fail_mode=secure protocols=OpenFlow13 \\
                        other-config:disable-in-band=true
              ovs-vsctl add-port br0 vxlan0 -- set interface vxlan0 type=vxlan \\
                        options:remote_ip=flow options:key=flow ofport_request=100

            Example configuration (YAML; deploy/agent.example.yaml has every field):

              vtep: 10.0.0.1            # this host's VTEP
              as: 65000
              route-reflectors:
                - address: 10.0.0.254   # port defaults to 179
              controller:
                listen: 127.0.0.1:6653  # or unix:/var/run/openvswitch/swiftplane.sock
              bridges:
                - name: br0
                  vxlan-port: 100       # ofport of the flow-based VXLAN port
              vnis:
                - vni: 10               # route target defaults to AS:VNI
                  flood: drop           # or ingress-replication
              endpoints:
                - vni: 10
                  mac: 02:00:00:00:00:01
                  ips: [10.1.1.1, fd00::1]
                  port: 1               # ofport

            A unix socket is the better controller address on one host: its
            file mode (socket-mode, 0\(String(AgentConfiguration.defaultControllerSocketMode, radix: 8)) by default) decides who may act as a
            switch, where any local process can connect to 127.0.0.1:6653, and
            it costs less than loopback TCP. No TLS there. OVS connects only to
            a socket in its run directory, spelled as OVS spells it
            (/var/run/openvswitch on Debian, not /run/openvswitch):

              controller:
                listen: unix:/var/run/openvswitch/swiftplane.sock
                socket-mode: "0600"                   # root only
              ovs-vsctl set-controller br0 unix:/var/run/openvswitch/swiftplane.sock

            --controller-target prints the set-controller target for the
            file (deploy/host-setup --agent-config uses it).

            The admin API (what swiftplanectl reads: endpoints, switches, flows,
            bum, neighbors, routes, and Prometheus /metrics) listens on the unix
            socket /run/swiftplane/agent.sock (mode 0600) unless `admin:` in the
            file or --admin-socket says otherwise:

              admin:
                address: /run/swiftplane/agent.sock   # or 127.0.0.1:9179
                socket-mode: "0660"                   # let the group read it
              swiftplanectl flows --live --socket /run/swiftplane/agent.sock

            Endpoints gleaned from traffic are kept across restarts in a
            state file, when one is named (none by default):

              state-file: /var/lib/swiftplane-agent/state.json

            Without it a restart forgets them: their routes are withdrawn and
            their flows removed until they speak again.

            The controller keeps a shadow of what each switch holds and sends
            only what changes; it reads a switch's real flows when it connects
            and every flow-audit-interval seconds (\(AgentConfiguration.defaultFlowAuditInterval.components.seconds) by default, 0: only on
            connect), and repairs and counts what drifted.

            Several bridges share the controller: each switch is matched to
            its bridge by the bridge's datapath-id, else by the datapath id
            OVSDB reports for the bridge's name (so a bridge with ovsdb needs
            none).

            Prometheus scrapes /metrics and /healthz on a TCP listener of their
            own (read-only, nothing else served), off unless named:

              metrics: 127.0.0.1:9179               # or --metrics HOST:PORT

            BMP (RFC 7854): with `bmp:` the agent's BGP speaker reports to a
            collector (pmacct's pmbmpd, for one): each reflector session's Peer
            Up with both OPENs, what the reflectors send (pre-policy
            Adj-RIB-In), the Loc-RIB (RFC 9069), Statistics Reports and Peer
            Down; a lost collector is dialled again with backoff:

              bmp: 127.0.0.1:11019                  # or, with options:
              bmp: {collector: 127.0.0.1:11019, statistics-interval: 60, adj-rib-out: false}

            /healthz (also on the admin API) answers 200 when the start has
            settled, every reflector session is Established, every bridge's
            switch is connected and in sync with OVSDB, and no reconcile
            failed; 503 and the reasons otherwise. A check that keeps failing
            is logged as a warning, repeated with backoff.

            --check-config validates the file and exits 0 (valid) or 2 (with
            the field path and the reason). Logs go to standard error as
            key=value lines. SIGHUP reloads the configuration: VNIs, endpoints,
            reflectors, bridges, gleaned-expiry, duplicate-mac and the ARP/ND
            rate apply at once; the listeners, BGP identity (as, router-id,
            bgp-listen, graceful-restart), log level, admin API, metrics, bmp
            and a bridge's ovsdb need a restart (the log names those
            a reload left as they were), and --log-level/--admin-socket still
            win over the file. SIGTERM or SIGINT exits 0 leaving the flows on
            the bridges.
            """,
        version: SwiftplaneVersion.text
    )

    @Option(name: .customLong("config"), help: "The configuration file (YAML).")
    var configFile: String?
    /// Present unless --config-reference alone was asked (`validate` sees to it).
    var config: String { configFile ?? "" }

    @Flag(name: .long, help: "Print every key of the configuration file (type, default, meaning) as Markdown, and exit.")
    var configReference = false

    @Flag(name: .long, help: "Check the configuration and exit: 0 when valid, 2 when not.")
    var checkConfig = false

    @Flag(name: .long, help: "Print the target for `ovs-vsctl set-controller` (tcp:, ssl: or unix:) that reaches the configured controller, and exit.")
    var controllerTarget = false

    @Option(name: .long, help: "Log level, over the file's log-level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(name: .long, help: "The admin API's unix socket path, or a loopback HOST:PORT (overrides admin.address; default \(AdminAddress.agentDefault)).")
    var adminSocket: String?

    @Option(name: .long, help: "Serve Prometheus /metrics and /healthz (only those) on this TCP HOST:PORT, e.g. 127.0.0.1:9179 (overrides metrics; default off).")
    var metrics: String?

    /// Usage errors exit 2, as in the other binaries (ArgumentParser's own is 64).
    static func main() async { await Executable.main(Self.self, name: "swiftplane-agent") }

    func validate() throws {
        if configFile == nil, !configReference { throw ValidationError("Missing expected argument '--config <config>'") }
    }

    func run() async throws {
        if configReference {
            print(AgentConfiguration.schema.markdown(), terminator: "")
            return
        }
        HeapTrim.limitArenas()
        var configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(path: config)
        } catch {
            printError("swiftplane-agent: \(error)")
            throw ExitCode(2)
        }
        var levelOverride: AgentConfiguration.LogLevel?
        if let logLevel {
            guard let level = AgentConfiguration.LogLevel(rawValue: logLevel) else {
                printError("swiftplane-agent: --log-level: invalid value '\(logLevel)': expected one of "
                    + AgentConfiguration.LogLevel.allCases.map(\.rawValue).joined(separator: ", "))
                throw ExitCode(2)
            }
            levelOverride = level
        }
        var metricsOverride: AdminAddress?
        if let metrics {
            do {
                metricsOverride = try MetricsListener.address(parsing: metrics)
            } catch {
                printError("swiftplane-agent: --metrics: \(error)")
                throw ExitCode(2)
            }
        }
        var adminOverride: AdminAddress?
        if let adminSocket {
            do {
                adminOverride = try AdminAddress(parsing: adminSocket)
            } catch {
                printError("swiftplane-agent: --admin-socket: \(error)")
                throw ExitCode(2)
            }
        }
        // Applied to the file now and again at each SIGHUP: a reload must not undo the command line.
        let overrides: @Sendable (inout AgentConfiguration) -> Void = { [levelOverride, adminOverride, metricsOverride] configuration in
            if let levelOverride { configuration.logLevel = levelOverride }
            if let metricsOverride { configuration.metrics = metricsOverride }
            if let adminOverride { configuration.admin.address = adminOverride }
        }
        overrides(&configuration)
        if controllerTarget {
            print(configuration.controllerListen.switchTarget(tls: configuration.controllerTLS != nil))
            return
        }
        if checkConfig {
            print("\(config): valid (\(configuration.bridges.count) bridge(s), \(configuration.tenants.count) VNI(s), "
                + "\(configuration.endpoints.count) static endpoint(s), admin API on \(configuration.admin.address)"
                + (configuration.metrics.map { ", metrics on \($0)" } ?? "")
                + (configuration.bmp.map { ", BMP to \($0.collector)" } ?? "") + ")")
            return
        }

        let level = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        // Changeable at run time: swiftplanectl log-level LEVEL.
        let runtimeLevel = RuntimeLogLevel(level)
        runtimeLevel.bootstrap()
        let logger = Logger(label: "swiftplane-agent")
        // Before the speaker and controller exist: they make their counters at init.
        let registry = PrometheusPage.bootstrap()
        let daemon: AgentDaemon
        do {
            daemon = try AgentDaemon(configuration: configuration, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }

        // A parent may hand down a blocked mask (a test runner's thread does):
        // unblock the signals the agent acts on, then route them to dispatch.
        var mask = sigset_t()
        sigemptyset(&mask)
        for sig in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, sig) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        for sig in [SIGTERM, SIGINT, SIGHUP] { signal(sig, SIG_IGN) }
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        // SIGHUPs coalesce: while a reload runs, one more waits at most, and
        // it reads the file as it is then (a burst of edits is one reload).
        let (reloads, reloadRequest) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let sources = [SIGTERM, SIGINT, SIGHUP].map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { if sig == SIGHUP { reloadRequest.yield() } else { continuation.yield(sig) } }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        do {
            try await daemon.start()
        } catch {
            // The error names the listener and its address (controller or BGP).
            logger.critical("cannot listen", metadata: ["error": "\(error)"])
            printError("swiftplane-agent: cannot listen: \(error)")
            throw ExitCode(1)
        }
        var router = daemon.adminRouter(metrics: registry)
        router.serveLogLevel(runtimeLevel)
        let admin = AdminServer(address: configuration.admin.address, router: router,
                                mode: mode_t(configuration.admin.socketMode))
        do {
            let bound = try await admin.start()
            logger.info("admin API listening", metadata: ["address": "\(bound)"])
        } catch {
            // The data plane matters more than the operator's view of it: carry on without.
            logger.error("admin API cannot listen; running without it", metadata: ["address": "\(configuration.admin.address)", "error": "\(error)"])
        }
        var metricsServer: AdminServer?
        if let address = configuration.metrics {
            let server = MetricsListener.server(address: address, serving: router)
            do {
                let bound = try await server.start()
                logger.info("metrics listening", metadata: ["address": "\(bound)", "paths": "\(MetricsListener.paths.joined(separator: " "))"])
                metricsServer = server
            } catch {
                logger.error("metrics listener cannot listen; running without it", metadata: ["error": "\(error)"])
            }
        }
        let watching = Task { await HealthWatch.run(logger: logger) { await daemon.healthReport() } }
        let serving = Task { await daemon.serve() }
        let path = config
        let reloading = Task {
            for await _ in reloads {
                logger.info("SIGHUP: reloading", metadata: ["file": "\(path)"])
                await daemon.reload(path: path, overrides: overrides)
            }
        }
        for await sig in signals {
            logger.info("signal received, exiting; flows stay on the bridges", metadata: ["signal": "\(sig)"])
            break
        }
        reloading.cancel()
        watching.cancel()
        serving.cancel()
        await metricsServer?.stop()
        await admin.stop()
        await daemon.stop()
    }
}
