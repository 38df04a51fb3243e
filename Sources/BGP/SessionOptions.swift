/// What two speakers agreed in their OPENs that changes the wire format.
/// Decoding and encoding both take it; the speaker derives it from the
/// capabilities exchanged.
public struct SessionOptions: Hashable, Sendable {
    /// RFC 6793: AS numbers in AS_PATH and AGGREGATOR are 4 octets.
    public var fourOctetAS: Bool
    /// RFC 7911: families whose NLRI carry a path identifier on this session.
    public var addPath: Set<AddressFamily>
    /// RFC 8654: messages up to 65535 octets instead of 4096.
    public var extendedMessage: Bool

    /// An internal (iBGP) session: LOCAL_PREF is then mandatory in UPDATEs
    /// that announce routes (RFC 4271 §5.1.5).
    public var internalPeer: Bool

    public init(fourOctetAS: Bool = true, addPath: Set<AddressFamily> = [], extendedMessage: Bool = false, internalPeer: Bool = false) {
        self.fourOctetAS = fourOctetAS
        self.addPath = addPath
        self.extendedMessage = extendedMessage
        self.internalPeer = internalPeer
    }

    /// What the two OPENs agreed, per direction: `receive` decodes what the
    /// peer sends, `send` encodes what we send. Add-path applies in a
    /// direction when the sender offered send and the receiver receive (RFC 7911 §4).
    public static func negotiated(local: Open, remote: Open) -> (receive: SessionOptions, send: SessionOptions) {
        func has(_ o: Open, _ code: UInt8) -> Bool { o.capabilities.contains { $0.code == code } }
        func addPath(_ o: Open) -> [AddressFamily: AddPathFamily.Mode] {
            var out: [AddressFamily: AddPathFamily.Mode] = [:]
            for case .addPath(let list) in o.capabilities { for e in list { out[e.family] = e.mode } }
            return out
        }
        let fourOctet = has(local, 65) && has(remote, 65)
        let extended = has(local, 6) && has(remote, 6)
        let internalPeer = local.asn == remote.asn
        let ours = addPath(local), theirs = addPath(remote)
        func direction(sender: [AddressFamily: AddPathFamily.Mode], receiver: [AddressFamily: AddPathFamily.Mode]) -> Set<AddressFamily> {
            Set(sender.filter { $0.value.contains(.send) && receiver[$0.key]?.contains(.receive) == true }.keys)
        }
        return (
            SessionOptions(fourOctetAS: fourOctet, addPath: direction(sender: theirs, receiver: ours), extendedMessage: extended, internalPeer: internalPeer),
            SessionOptions(fourOctetAS: fourOctet, addPath: direction(sender: ours, receiver: theirs), extendedMessage: extended, internalPeer: internalPeer)
        )
    }

    public var maximumMessageLength: Int { extendedMessage ? 65535 : 4096 }
}
