/// Who may connect to a listening unix socket besides root: its file mode,
/// as the daemons' `socket-mode:` fields spell it.
public enum SocketFileMode: UInt32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Root only.
    case owner = 0o600
    /// Root and the file's group.
    case group = 0o660

    /// `0600` or `0660`, the leading zero optional (YAML reads an unquoted
    /// 0660 as text in a node, so the spelling is the file's).
    public init?(_ text: String) {
        let digits = text.hasPrefix("0") ? String(text.dropFirst()) : text
        guard let raw = UInt32(digits, radix: 8), let mode = SocketFileMode(rawValue: raw), digits.count == 3 else { return nil }
        self = mode
    }

    public var description: String { "0" + String(rawValue, radix: 8) }

    /// What the configuration error says a mode must be.
    public static let expected = "0600 (root only) or 0660 (also the group)"
}
