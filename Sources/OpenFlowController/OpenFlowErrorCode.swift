/// The ERROR types and codes the controller itself sends (OpenFlow 1.3 §A.4.4).
public enum OpenFlowErrorCode {
    /// OFPET_HELLO_FAILED and its OFPHFC_INCOMPATIBLE code.
    public static let helloFailed: UInt16 = 0
    public static let incompatible: UInt16 = 0
    /// OFPET_BAD_REQUEST and the codes used here.
    public static let badRequest: UInt16 = 1
    public static let badVersion: UInt16 = 0
    public static let badType: UInt16 = 1
    public static let badLength: UInt16 = 6
    /// OFPBRC_MULTIPART_BUFFER_OVERFLOW: a multipart reply grew past what we keep.
    public static let multipartBufferOverflow: UInt16 = 13
}
