import AdminAPI
import Foundation
import Testing
import TestSupport

/// swiftplane-rr with its admin socket (and log) in a temporary folder,
/// accepting 127.`octet`.0.0/16, and two GoBGP clients in a random /24 of
/// it: the originator (.2) and the receiver (.3). `with` runs the body once
/// both sessions are Established, and stops everything by pid afterwards.
struct ReflectorWithClients {
    let folder: URL
    let socket: String
    let port: Int
    let rr: Daemon
    let originator: GoBGPDaemon
    let receiver: GoBGPDaemon
    let client: AdminClient

    /// `clientGracefulRestart`: both clients offer graceful restart with that restart time.
    static func with(hint: String, octet: Int, arguments: [String] = [], clientGracefulRestart: Int? = nil,
                     _ body: (ReflectorWithClients) async throws -> Void) async throws {
        let folder = try TemporaryFolder.create(hint)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("rr.sock").path
        let port = freeLoopbackPort()
        let net = Int.random(in: 10...250)
        let rr = try Daemon([Built.rr!, "--as", "65000", "--router-id", "127.0.0.1", "--listen", "127.0.0.1:\(port)",
                             "--accept", "127.\(octet).0.0/16", "--admin-socket", socket] + arguments,
                            log: folder.appendingPathComponent("rr.log"))
        defer { rr.stop() }
        #expect(await rr.ready(within: 10) { FileManager.default.fileExists(atPath: socket) }, "no admin socket: \(rr.output)")
        let originator = try GoBGPDaemon(address: "127.\(octet).\(net).2", peer: "127.0.0.1", peerPort: port,
                                         gracefulRestart: clientGracefulRestart)
        defer { originator.stop() }
        let receiver = try GoBGPDaemon(address: "127.\(octet).\(net).3", peer: "127.0.0.1", peerPort: port,
                                       gracefulRestart: clientGracefulRestart)
        defer { receiver.stop() }
        let client = AdminClient(address: .unix(path: socket))
        let up = await eventually(30, every: .milliseconds(200)) {
            ((try? client.get("/neighbors", as: [NeighborReport].self)) ?? []).filter { $0.state == "Established" }.count == 2
        }
        #expect(up, "sessions did not come up: \(rr.output.suffix(800))")
        guard up else { return }
        try await body(ReflectorWithClients(folder: folder, socket: socket, port: port, rr: rr, originator: originator,
                                            receiver: receiver, client: client))
    }

    /// Adds `routes` (`gobgp global rib add -a evpn` arguments) at the originator and waits until the receiver holds them all.
    func originate(_ routes: [[String]]) async throws {
        for route in routes {
            #expect(try originator.cli(["global", "rib", "add", "-a", "evpn"] + route).status == 0)
        }
        #expect(await eventually(10, every: .milliseconds(200)) { ((try? receiver.evpnRIB()) ?? [:]).count == routes.count })
    }
}
