/// An RFC 2385 TCP MD5 signature key as a configuration gives it: RFC 2385
/// allows any key; Linux takes at most 80 octets (TCP_MD5SIG_MAXKEYLEN).
public enum TCPMD5Key {
    public static let maximumLength = 80

    /// Why `key` cannot be used, or nil when it can.
    public static func problem(_ key: String) -> String? {
        key.utf8.count <= maximumLength ? nil : "at most \(maximumLength) octets (Linux TCP_MD5SIG_MAXKEYLEN)"
    }
}
