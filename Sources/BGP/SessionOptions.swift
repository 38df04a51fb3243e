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

    public init(fourOctetAS: Bool = true, addPath: Set<AddressFamily> = [], extendedMessage: Bool = false) {
        self.fourOctetAS = fourOctetAS
        self.addPath = addPath
        self.extendedMessage = extendedMessage
    }

    public var maximumMessageLength: Int { extendedMessage ? 65535 : 4096 }
}
