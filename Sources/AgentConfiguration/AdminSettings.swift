import ConfigurationValues
import SocketFile

/// Where the admin API listens (`admin:` in the file, `--admin-socket`).
public struct AdminSettings: Hashable, Sendable {
    public var address = AdminAddress.agentDefault
    public var socketMode: UInt32 = SocketFileMode.owner.rawValue
}
