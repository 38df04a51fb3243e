import Foundation
import TestSupport

/// A private ExaBGP 4.2 for one test, run through `Tests/Tools/exabgp-evpn`
/// (ExaBGP's own main, plus the EVPN routes to originate that its
/// configuration cannot express). What it receives comes out of its API as
/// JSON lines in a file. Stopped by pid in `stop()`, with its API helper.
final class ExaBGPDaemon {
    let address: String
    let folder: URL
    private let process: Daemon
    private var receivedFile: URL { folder.appendingPathComponent("received.jsonl") }

    static var available: Bool { Command.which("exabgp") != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") }

    /// One route for `exabgp-evpn`: type 2 (mac, ip, vni) or type 3.
    struct Route: Codable {
        var type: Int
        var rd: String
        var mac: String?
        var ip: String
        var vni: Int?
        var rt: String
        var nexthop: String
    }

    init(address: String, peer: String, peerPort: Int, originate routes: [Route] = []) throws {
        self.address = address
        folder = try TemporaryFolder.create("swiftplane-exabgp")
        let tool = Repository.root.appendingPathComponent("Tests/Tools/exabgp-evpn").path
        let receivedFile = folder.appendingPathComponent("received.jsonl")
        let config = """
            process receiver {
                run \(tool) receive \(receivedFile.path);
                encoder json;
            }
            neighbor \(peer) {
                router-id \(address);
                local-address \(address);
                local-as 65000;
                peer-as 65000;
                connect \(peerPort);
                family {
                    l2vpn evpn;
                }
                api {
                    processes [ receiver ];
                    receive {
                        parsed;
                        update;
                    }
                }
            }
            """
        let configURL = folder.appendingPathComponent("exabgp.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let routesURL = folder.appendingPathComponent("routes.json")
        try JSONEncoder().encode(routes).write(to: routesURL)
        // Run as root without dropping privileges (the helper writes into our folder), no CLI pipe, log to stdout.
        process = try Daemon([tool, "run", configURL.path, routesURL.path], environment: [
            "exabgp.daemon.user": "root", "exabgp.daemon.drop": "false", "exabgp.api.cli": "false",
            "exabgp.log.destination": "stdout", "exabgp.daemon.daemonize": "false",
        ], log: folder.appendingPathComponent("exabgp.log"))
    }

    /// Every UPDATE message ExaBGP passed to its API so far (`message.update` of each JSON line).
    var updates: [[String: Any]] {
        let text = (try? String(contentsOf: receivedFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let neighbor = json["neighbor"] as? [String: Any], let message = neighbor["message"] as? [String: Any] else { return nil }
            return message["update"] as? [String: Any]
        }
    }

    var log: String { process.output }

    func stop() {
        process.stop()
        // Its API helper leaves at end of input; should it linger, by its pid.
        if let text = try? String(contentsOf: receivedFile.appendingPathExtension("pid"), encoding: .utf8), let pid = Int32(text),
           let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8), command.contains("exabgp-evpn") {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
