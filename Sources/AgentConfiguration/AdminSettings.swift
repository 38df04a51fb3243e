import AdminAPI

/// Where the admin API listens (`admin:` in the file, `--admin-socket`).
public struct AdminSettings: Hashable, Sendable {
    public var address = AdminAddress.agentDefault
    public var socketMode: UInt32 = 0o600

    static let modes: [String: UInt32] = ["0600": 0o600, "600": 0o600, "0660": 0o660, "660": 0o660]
}
