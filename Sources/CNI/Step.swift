/// One command of a plan: the program and its arguments, run by the
/// executable (the plan itself runs nothing).
public struct Step: Sendable, Hashable, CustomStringConvertible {
    public var arguments: [String]

    public init(_ arguments: [String]) { self.arguments = arguments }

    /// `ip ARGS` on the host (the namespace the plugin runs in, where OVS is).
    public static func ip(_ arguments: String...) -> Step { Step(["ip"] + arguments) }

    /// A command inside the container's namespace (`nsenter --net=PATH`).
    public static func inside(_ netns: String, _ arguments: [String]) -> Step { Step(["nsenter", "--net=\(netns)"] + arguments) }

    /// `ovs-vsctl` on the configured database, with a timeout so a dead
    /// ovsdb-server fails the call instead of hanging it.
    public static func vsctl(_ ovsdb: String?, _ arguments: [String]) -> Step {
        Step(["ovs-vsctl", "--timeout=10"] + (ovsdb.map { ["--db=\($0)"] } ?? []) + arguments)
    }

    public var description: String { arguments.joined(separator: " ") }
}
