import ConfigurationReader
import ConfigurationValues
import SocketFile

/// `admin:` as a file writes it, the same section in both daemons' files:
/// where the admin API listens and its socket file's mode. A field the file
/// leaves out is nil; the daemon puts its own default there.
public struct AdminSection: Hashable, Sendable {
    public var address: AdminAddress?
    public var socketMode: SocketFileMode?

    /// Reads `admin: {address, socket-mode, allow-non-loopback}`. A TCP
    /// address off loopback is refused unless `allow-non-loopback` is true:
    /// the API has no authentication.
    public init(_ node: ConfigurationNode) throws(ConfigurationError) {
        var map = try ConfigurationMapping(node)
        let allowNonLoopback = try map.optional("allow-non-loopback")?.boolean() ?? false
        if let addressNode = map.optional("address") {
            let text = try addressNode.scalar()
            do throws(AdminAddressError) {
                address = try AdminAddress(parsing: text, allowNonLoopback: allowNonLoopback)
            } catch {
                throw addressNode.invalid(error.reason)
            }
        }
        socketMode = try map.optional("socket-mode")?.parsed(SocketFileMode.expected) { SocketFileMode($0) }
        try map.finish()
    }

    /// The section in a daemon's configuration reference, with its defaults.
    public static func key(address: AdminAddress, socketMode: SocketFileMode) -> ConfigurationKey {
        .optional("admin", "mapping", default: "\(address)", "the admin API (`swiftplanectl`)", children: [
            .optional("address", "unix socket path, or loopback HOST:PORT", default: "\(address)",
                      "where the admin API listens (`--admin-socket` overrides)"),
            .optional("socket-mode", "`0600` (root only) or `0660` (also the group), quoted", default: "\(socketMode)", "the socket file's mode"),
            .optional("allow-non-loopback", "boolean", default: "false", "allow a TCP address off loopback (the API has no authentication)"),
        ])
    }
}
