/// NXAST_*: the subtypes of the Nicira extension actions this codec reads
/// and writes (Open vSwitch's numbering), each declared here once and used
/// by the encoder, the decoder and the names.
public enum NiciraActionSubtype: UInt16, WireNumber {
    case resubmit = 1
    case regMove = 6
    case regLoad = 7
    case resubmitTable = 14
    case controller = 20
    case regLoad2 = 33
    case controller2 = 37

    /// Open vSwitch's name, e.g. "NXAST_REG_MOVE".
    public var name: String {
        switch self {
        case .resubmit: "NXAST_RESUBMIT"
        case .regMove: "NXAST_REG_MOVE"
        case .regLoad: "NXAST_REG_LOAD"
        case .resubmitTable: "NXAST_RESUBMIT_TABLE"
        case .controller: "NXAST_CONTROLLER"
        case .regLoad2: "NXAST_REG_LOAD2"
        case .controller2: "NXAST_CONTROLLER2"
        }
    }

    /// Not declared: "NXAST_UNKNOWN_N".
    public static let unknownPrefix = "NXAST_UNKNOWN_"
}
