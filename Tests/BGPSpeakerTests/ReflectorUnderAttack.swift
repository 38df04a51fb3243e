import Foundation
import TestSupport

/// swiftplane-rr (this build) with two GoBGP clients on 127.<net>.x: the
/// steady part of the hostile-peer and flap-storm tests. Stopped by pid.
final class ReflectorUnderAttack {
    let port = freeLoopbackPort()
    let reflector: Daemon
    let originator: GoBGPDaemon
    let receiver: GoBGPDaemon

    /// `prefix` is the first three octets of the accepted /24, e.g. "127.90.17".
    init(prefix: String, arguments: [String] = []) throws {
        reflector = try Daemon([Command.builtProduct("swiftplane-rr") ?? "swiftplane-rr", "--as", "65000", "--router-id", "127.0.0.1",
                                "--listen", "127.0.0.1:\(port)", "--accept", "\(prefix).0/24"] + arguments)
        do {
            originator = try GoBGPDaemon(address: "\(prefix).2", peer: "127.0.0.1", peerPort: port)
        } catch {
            reflector.stop()
            throw error
        }
        do {
            receiver = try GoBGPDaemon(address: "\(prefix).3", peer: "127.0.0.1", peerPort: port)
        } catch {
            originator.stop(); reflector.stop()
            throw error
        }
    }

    /// `gobgp global rib add|del` arguments for MAC/IP route n.
    static func route(_ n: Int, _ verb: String = "add") -> [String] {
        ["global", "rib", verb, "-a", "evpn", "macadv", "02:00:00:00:00:0\(n)", "10.0.0.\(n)", "etag", "0", "label", "1001",
         "rd", "10.1.1.1:100", "rt", "65000:1001", "encap", "vxlan", "nexthop", "10.1.1.1"]
    }

    func stop() {
        receiver.stop(); originator.stop(); reflector.stop()
    }
}
