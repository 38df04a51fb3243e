import Foundation

extension OVSSandbox {
    /// The database's unix socket (`unix:` + this path is what OVS tools take).
    public var databaseSocket: String? {
        environment["OVS_RUNDIR"].map { "\($0)/db.sock" }
    }

    /// Stops ovsdb-server and starts it again on the same database file and
    /// socket, as a package upgrade or crash-restart would: clients see the
    /// connection drop and must reconnect. ovs-vswitchd reconnects by itself.
    public func restartDatabase() throws {
        guard let dir = environment["OVS_RUNDIR"] else {
            throw OVSSandboxError(arguments: ["restartDatabase"], status: 0, message: "no OVS_RUNDIR")
        }
        // The control socket is either named explicitly or OVS's default
        // (with the pid in its name), depending on how `up` started it.
        let pid = (try? String(contentsOfFile: "\(dir)/ovsdb-server.pid", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let named = FileManager.default.fileExists(atPath: "\(dir)/ovsdb-server.ctl")
        let control = named ? "\(dir)/ovsdb-server.ctl" : "\(dir)/ovsdb-server.\(pid).ctl"
        _ = try exec(["ovs-appctl", "--target=\(control)", "exit"])
        // The old server is gone once its pidfile is (it removes it on exit).
        for _ in 0..<50 where FileManager.default.fileExists(atPath: "\(dir)/ovsdb-server.pid") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        // Through the script's `exec`, which drops inherited descriptors and
        // sets OVS_RUNDIR; the daemon's own output goes to a file so no pipe
        // of ours stays open.
        let start = """
            exec ovsdb-server \(dir)/conf.db --remote=punix:\(dir)/db.sock \
            --remote=db:Open_vSwitch,Open_vSwitch,manager_options \(named ? "--unixctl=\(control)" : "") \
            --pidfile=\(dir)/ovsdb-server.pid --log-file=\(dir)/ovsdb-server.log --no-chdir --detach \
            </dev/null >>\(dir)/ovsdb-server.console 2>&1
            """
        _ = try Self.run(["exec", name, "sh", "-c", start])
    }
}
