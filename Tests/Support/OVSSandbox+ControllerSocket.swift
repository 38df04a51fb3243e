extension OVSSandbox {
    /// OVS's run directory (`OVS_RUNDIR`). ovs-vswitchd connects to a `unix:`
    /// controller only inside it: a path elsewhere is refused "due to
    /// possibility for remote exploit" (a plain string prefix check).
    public var runDirectory: String? { environment["OVS_RUNDIR"] }

    /// Where a controller the bridge reaches with `unix:PATH` must listen;
    /// /tmp is shared with the sandbox's namespaces, so the path is the same on both sides.
    public func controllerSocketPath(_ name: String = "swiftplane.sock") throws -> String {
        guard let runDirectory else {
            throw OVSSandboxError(arguments: ["controllerSocketPath"], status: 0, message: "no OVS_RUNDIR")
        }
        return "\(runDirectory)/\(name)"
    }
}
