import AgentConfiguration
import CNI
import Foundation
import JSON
import NetAddress

/// The thin shell around `AttachmentPlan`: gathers the facts, runs the IPAM
/// plugin and the steps, and undoes a half-made attachment.
struct Plugin {
    var plan: AttachmentPlan
    var environment: [String: String]

    var configuration: NetworkConfiguration { plan.configuration }
    var invocation: Invocation { plan.invocation }

    /// The agent's configuration is read for ADD only: DEL must work whatever it says now.
    func facts(_ command: Invocation.Command) throws(CNIError) -> HostFacts {
        let c = configuration
        let exists = ProcessRunner.run(Step.vsctl(c.ovsdb, ["br-exists", c.bridge]).arguments)
        // br-exists: 0 yes, 2 no, anything else is ovs-vsctl failing (no database).
        guard exists.status == 0 || exists.status == 2 else {
            throw CNIError(.ioFailure, "ovs-vsctl br-exists \(c.bridge): \(exists.stderr.trimmed)", details: c.ovsdb.map { "ovsdb=\($0)" })
        }
        var facts = HostFacts(bridgeExists: exists.status == 0)
        if command == .add, let path = c.agentConfig {
            do {
                let agent = try AgentConfiguration.load(path: path)
                facts.servedVNIs = Set(agent.tenants.map { $0.instance.vni.rawValue })
                facts.servedBridges = Set(agent.bridges.map(\.name))
            } catch {
                throw .field(.invalidNetworkConfiguration, "agentConfig", path, "\(error)")
            }
        }
        let columns = ["-f", "json", "--columns=name,external_ids", "list"]
        let ports = ProcessRunner.run(Step.vsctl(c.ovsdb, columns + ["Port"]).arguments)
        let interfaces = ProcessRunner.run(Step.vsctl(c.ovsdb, columns + ["Interface"]).arguments)
        guard ports.succeeded, interfaces.succeeded else {
            throw CNIError(.ioFailure, "ovs-vsctl list: \(ports.stderr.trimmed) \(interfaces.stderr.trimmed)")
        }
        facts.ports = try ExistingPort.parse(portListing: ports.stdout, interfaceListing: interfaces.stdout)
        facts.hostLinkExists = ProcessRunner.run(["ip", "link", "show", "dev", plan.portName]).succeeded
        if command == .check, let ns = invocation.netns {
            let link = ProcessRunner.run(Step.inside(ns, ["ip", "-j", "link", "show", "dev", invocation.ifname]).arguments)
            facts.containerLink = link.succeeded ? LinkState.parse(link.stdout) : nil
        }
        return facts
    }

    /// Runs the IPAM plugin with our environment, CNI_COMMAND set to `command`.
    func ipam(_ command: Invocation.Command) throws(CNIError) -> CNIResult? {
        let type = configuration.ipamType
        guard let path = ProcessRunner.locate(type, in: invocation.pluginPath) else {
            throw .field(.ipamFailure, "ipam.type", type, "no such plugin in CNI_PATH=\(invocation.pluginPath.joined(separator: ":"))")
        }
        var env = environment
        env["CNI_COMMAND"] = command.rawValue
        // MAC= is this plugin's argument: the IPAM plugin must not refuse it as unknown.
        if !invocation.arguments.isEmpty, invocation.arguments["IgnoreUnknown"] == nil {
            env["CNI_ARGS"] = "IgnoreUnknown=1;" + (env["CNI_ARGS"] ?? "")
        }
        let run = ProcessRunner.run([path], input: configuration.text, environment: env)
        let json = try? JSONParser().parse(run.stdout)
        guard run.succeeded else {
            let msg = json?["msg"]?.stringValue ?? run.stderr.trimmed
            throw CNIError(.ipamFailure, "ipam.type=\(type) \(command.rawValue): \(msg)", details: json?["details"]?.stringValue)
        }
        guard command == .add else { return nil }
        guard let json else { throw CNIError(.ipamFailure, "ipam.type=\(type): answered no JSON: \(run.stdout.prefix(200))") }
        return try CNIResult(json: json, field: "ipam result")
    }

    /// Runs steps until one fails; that one's error.
    func run(_ steps: [Step]) throws(CNIError) {
        for step in steps {
            let r = ProcessRunner.run(step.arguments)
            guard r.succeeded else { throw CNIError(.ioFailure, "\(step): \(r.stderr.trimmed)") }
        }
    }

    func add() throws(CNIError) -> CNIResult {
        let facts = try facts(.add)
        try plan.checkAdd(facts)
        let address = try ipam(.add)!
        do {
            let mac = try plan.mac(address)
            try plan.checkFree(mac, facts)
            try run(try plan.addSteps(address, mac: mac))
            let host = LinkState.parse(ProcessRunner.run(["ip", "-j", "link", "show", "dev", plan.portName]).stdout)
            return plan.result(address, mac: mac, hostMAC: host?.mac)
        } catch {
            // Nothing stays behind: the steps' undo, then the address back to IPAM.
            for step in plan.undoSteps { _ = ProcessRunner.run(step.arguments) }
            _ = try? ipam(.del)
            throw error
        }
    }

    func del() throws(CNIError) {
        let facts = try facts(.del)
        try run(plan.delSteps(facts))
        _ = try ipam(.del)
    }

    func check() throws(CNIError) {
        try plan.check(try facts(.check))
        _ = try ipam(.check)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
