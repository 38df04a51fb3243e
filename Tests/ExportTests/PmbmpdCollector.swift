import Foundation
import TestSupport

/// pmacct's pmbmpd on a free loopback port, logging every BMP message it
/// decodes as a JSON line; stopped by its pid.
struct PmbmpdCollector {
    static var available: Bool { Command.which("pmbmpd") != nil }

    let port: Int
    let daemon: Daemon
    private let json: URL

    init(folder: URL) throws {
        port = freeLoopbackPort()
        json = folder.appendingPathComponent("bmp.json")
        let configuration = folder.appendingPathComponent("pmbmpd.conf")
        try """
            daemonize: false
            bmp_daemon_ip: 127.0.0.1
            bmp_daemon_port: \(port)
            bmp_daemon_msglog_file: \(json.path)
            bmp_daemon_msglog_output: json
            """.write(to: configuration, atomically: true, encoding: .utf8)
        daemon = try Daemon([Command.which("pmbmpd")!, "-f", configuration.path], log: folder.appendingPathComponent("pmbmpd.log"))
    }

    /// It listens.
    func ready() async -> Bool { await eventually(10) { daemon.output.contains("waiting for BMP data") } }

    /// Every message logged so far.
    func events() -> [[String: Any]] {
        let text = (try? String(contentsOf: json, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// A message of `type` (pmbmpd's bmp_msg_type) with these fields was logged.
    func has(_ type: String, _ fields: [String: String] = [:]) -> Bool {
        events().contains { e in
            e["bmp_msg_type"] as? String == type && fields.allSatisfy { k, v in e[k].map { "\($0)" } == v }
        }
    }

    func stop() { daemon.stop() }
}
