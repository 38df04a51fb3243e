/// One call of the plugin: the CNI_* environment variables (CNI specification
/// 1.0.0, "Parameters"), checked for the command they come with.
public struct Invocation: Sendable, Hashable {
    public enum Command: String, Sendable, Hashable, CaseIterable {
        case add = "ADD", del = "DEL", check = "CHECK", version = "VERSION"
    }

    public var command: Command
    public var containerID: String
    /// The container's network namespace: a path (`/run/netns/x`, `/proc/PID/ns/net`).
    /// DEL may come without it (the namespace is gone).
    public var netns: String?
    public var ifname: String
    /// `CNI_ARGS`: `KEY=VALUE;...`.
    public var arguments: [String: String]
    /// `CNI_PATH`: where the IPAM plugin is looked for.
    public var pluginPath: [String]

    public init(command: Command, containerID: String, netns: String?, ifname: String, arguments: [String: String] = [:], pluginPath: [String]) {
        self.command = command
        self.containerID = containerID
        self.netns = netns
        self.ifname = ifname
        self.arguments = arguments
        self.pluginPath = pluginPath
    }

    /// Reads the variables; a missing or malformed one is error 4 naming it.
    public static func parse(environment: [String: String]) throws(CNIError) -> Invocation {
        func invalid(_ name: String, _ reason: String) -> CNIError {
            CNIError(.invalidEnvironment, "\(name)=\(environment[name] ?? ""): \(reason)")
        }
        guard let text = environment["CNI_COMMAND"], !text.isEmpty else { throw invalid("CNI_COMMAND", "missing") }
        guard let command = Command(rawValue: text) else {
            throw invalid("CNI_COMMAND", "not one of \(Command.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if command == .version {
            return Invocation(command: .version, containerID: "", netns: nil, ifname: "", pluginPath: [])
        }
        func required(_ name: String) throws(CNIError) -> String {
            guard let value = environment[name], !value.isEmpty else { throw invalid(name, "missing (needed by \(command.rawValue))") }
            return value
        }
        let containerID = try required("CNI_CONTAINERID")
        // The specification's container id: alphanumerics, then also _ . -
        guard let first = containerID.unicodeScalars.first, isAlphanumeric(first),
              containerID.unicodeScalars.allSatisfy({ isAlphanumeric($0) || "_.-".unicodeScalars.contains($0) })
        else { throw invalid("CNI_CONTAINERID", "not [a-zA-Z0-9][a-zA-Z0-9_.-]*") }
        let ifname = try required("CNI_IFNAME")
        guard ifname.utf8.count <= 15, ifname != ".", ifname != "..",
              !ifname.unicodeScalars.contains(where: { $0 == "/" || $0 == ":" || $0.properties.isWhitespace })
        else { throw invalid("CNI_IFNAME", "not a Linux interface name (at most 15 characters, no / : or spaces)") }
        let netns: String?
        switch command {
        case .add, .check: netns = try required("CNI_NETNS")
        default: netns = environment["CNI_NETNS"].flatMap { $0.isEmpty ? nil : $0 }
        }
        var arguments: [String: String] = [:]
        for pair in (environment["CNI_ARGS"] ?? "").split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw invalid("CNI_ARGS", "\"\(pair)\" is not KEY=VALUE") }
            arguments[String(parts[0])] = String(parts[1])
        }
        let path = (environment["CNI_PATH"] ?? "").split(separator: ":").map(String.init)
        if path.isEmpty { throw invalid("CNI_PATH", "missing (the IPAM plugin is looked for there)") }
        return Invocation(command: command, containerID: containerID, netns: netns, ifname: ifname, arguments: arguments, pluginPath: path)
    }

    private static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s))
    }
}
