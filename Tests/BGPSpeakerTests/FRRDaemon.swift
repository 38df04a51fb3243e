import Foundation
import TestSupport

/// A private FRR bgpd for one test: no zebra, no kernel, no BGP listener,
/// its config, pid file and vty socket in a temporary folder. Runs in the
/// foreground as our child and is stopped by its pid in `stop()`.
final class FRRDaemon {
    static let bgpd = "/usr/lib/frr/bgpd"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: bgpd) && Command.which("vtysh") != nil }

    let address: String
    let folder: URL
    private let process: Daemon

    init(address: String, peer: String, peerPort: Int, asn: UInt32 = 65000) throws {
        self.address = address
        folder = try TemporaryFolder.create("swiftplane-frr")
        let config = """
            frr defaults traditional
            hostname swiftplane-test
            log stdout informational
            !
            router bgp \(asn)
             bgp router-id \(address)
             no bgp default ipv4-unicast
             neighbor \(peer) remote-as \(asn)
             neighbor \(peer) port \(peerPort)
             neighbor \(peer) update-source \(address)
             neighbor \(peer) timers connect 1
             address-family l2vpn evpn
              neighbor \(peer) activate
             exit-address-family
            !
            """
        let configURL = folder.appendingPathComponent("bgpd.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        // -S: no user switch (the test may not run as frr); -p 0 / -P 0: no BGP or vty TCP listener.
        process = try Daemon([Self.bgpd, "-S", "-n", "-Z", "-p", "0", "-P", "0", "-f", configURL.path,
                              "-i", folder.appendingPathComponent("bgpd.pid").path, "--vty_socket", folder.path,
                              "-z", folder.appendingPathComponent("zserv.api").path],
                             log: folder.appendingPathComponent("bgpd.log"))
    }

    /// `show bgp l2vpn evpn route detail json`: prefix text -> its first path.
    func evpnRoutes() throws -> [String: [String: Any]] {
        let out = try Command.run(Command.which("vtysh") ?? "vtysh", ["--vty_socket", folder.path, "-c", "show bgp l2vpn evpn route detail json"])
        guard out.status == 0, let data = out.stdout.data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var routes: [String: [String: Any]] = [:]
        for case let (_, rd as [String: Any]) in json {
            for case let (prefix, entry as [String: Any]) in rd {
                // Paths come as a list of lists in this FRR version; accept a flat list too.
                let paths = entry["paths"] as? [Any] ?? []
                let first = (paths.first as? [[String: Any]])?.first ?? paths.first as? [String: Any]
                if let first { routes[prefix] = first }
            }
        }
        return routes
    }

    var log: String { process.output }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
