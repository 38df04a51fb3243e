import Foundation
import TestSupport

/// What the two-host tests build before their own steps: an underlay, two
/// OVS sandboxes each with a VTEP on it (OpenFlow port 100) and the
/// controller at 127.0.0.1:6653, each VTEP's MAC pre-seeded at the other
/// (neighbour resolution for the tunnel would otherwise lose the first
/// encapsulated packet), and a folder for the configurations, admin sockets
/// and logs. The reflector and the agents it starts are stopped when `with`
/// returns or throws; the sandboxes and the underlay are removed.
final class TwoHostFabric {
    let folder: URL
    let underlay: OVSUnderlay
    let hosts: [OVSSandbox]
    let vteps: [OVSVTEP]
    /// The reflector, once `startReflector` ran.
    private(set) var reflector: Daemon?
    /// The agents `startAgent` started, in order.
    private(set) var agents: [Daemon] = []

    private init(folder: URL, underlay: OVSUnderlay, hosts: [OVSSandbox], vteps: [OVSVTEP]) {
        (self.folder, self.underlay, self.hosts, self.vteps) = (folder, underlay, hosts, vteps)
    }

    /// `hint` names the namespaces (`<hint>ul`, `<hint>h1`, `<hint>h2`);
    /// `vtepAddresses` are the two VTEPs' CIDRs, IPv4 or IPv6.
    static func with(hint: String, vtepAddresses: [String], _ body: (TwoHostFabric) async throws -> Void) async throws {
        let folder = try TemporaryFolder.create("agent-\(hint)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await OVSUnderlay.with(hint: hint + "ul") { underlay in
            try await OVSSandbox.with(hint: hint + "h1") { h1 in
                try await OVSSandbox.with(hint: hint + "h2") { h2 in
                    let hosts = [h1, h2]
                    var vteps: [OVSVTEP] = []
                    for (host, address) in zip(hosts, vtepAddresses) {
                        vteps.append(try host.addVTEP(on: underlay, address: address, ofport: 100))
                        try host.setController("tcp:127.0.0.1:6653")
                    }
                    try h1.appctl("tnl/neigh/set", "br-phy", vteps[1].address, vteps[1].mac)
                    try h2.appctl("tnl/neigh/set", "br-phy", vteps[0].address, vteps[0].mac)
                    let fabric = TwoHostFabric(folder: folder, underlay: underlay, hosts: hosts, vteps: vteps)
                    defer { fabric.stop() }
                    try await body(fabric)
                }
            }
        }
    }

    /// A path in the test's folder.
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// `swiftplane-rr` with `arguments` in `netns`, its admin socket rr.sock, its log rr.log.
    @discardableResult
    func startReflector(_ arguments: [String], netns: String) throws -> Daemon {
        let reflectorPath = try Self.product("swiftplane-rr")
        let daemon = try Daemon([reflectorPath] + arguments + ["--admin-socket", path("rr.sock")], netns: netns,
                                log: folder.appendingPathComponent("rr.log"))
        reflector = daemon
        return daemon
    }

    /// Agent `number` (1, 2, ...) with `configuration` in agentN.yaml, in
    /// host `number`'s namespace unless `netns` says otherwise; its admin
    /// socket agentN.sock, its log agentN.log.
    @discardableResult
    func startAgent(_ number: Int, configuration: String, netns: String? = nil) throws -> Daemon {
        let agentPath = try Self.product("swiftplane-agent")
        let file = path("agent\(number).yaml")
        try configuration.write(toFile: file, atomically: true, encoding: .utf8)
        let daemon = try Daemon([agentPath, "--config", file, "--admin-socket", path("agent\(number).sock")],
                                netns: netns ?? hosts[number - 1].name, log: folder.appendingPathComponent("agent\(number).log"))
        agents.append(daemon)
        return daemon
    }

    /// The reflector's and the first two agents' logs, each its last `limit` characters.
    func logs(limit: Int = Int.max) -> String {
        let parts = [("rr", reflector)] + agents.prefix(2).enumerated().map { ("agent\($0.offset + 1)", Optional($0.element)) }
        return parts.map { name, daemon in "\(name):\n\(daemon?.output.suffix(limit) ?? "")" }.joined(separator: "\n")
    }

    private func stop() {
        agents.forEach { $0.stop() }
        reflector?.stop()
    }

    struct MissingProduct: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not built (swift build)" }
    }

    private static func product(_ name: String) throws -> String {
        guard let path = Command.builtProduct(name) else { throw MissingProduct(name: name) }
        return path
    }
}
