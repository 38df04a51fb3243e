/// OFPIT_*: the instruction types of OpenFlow 1.3 (§A.2.4), each number
/// declared here once and used by the encoder, the decoder and the names.
public enum InstructionType: UInt16, WireNumber {
    case gotoTable = 1
    case writeMetadata = 2
    case writeActions = 3
    case applyActions = 4
    case clearActions = 5
    case meter = 6
    case experimenter = 0xffff

    /// The specification's name, e.g. "OFPIT_APPLY_ACTIONS".
    public var name: String {
        switch self {
        case .gotoTable: "OFPIT_GOTO_TABLE"
        case .writeMetadata: "OFPIT_WRITE_METADATA"
        case .writeActions: "OFPIT_WRITE_ACTIONS"
        case .applyActions: "OFPIT_APPLY_ACTIONS"
        case .clearActions: "OFPIT_CLEAR_ACTIONS"
        case .meter: "OFPIT_METER"
        case .experimenter: "OFPIT_EXPERIMENTER"
        }
    }

    /// Not declared: "OFPIT_UNKNOWN_N".
    public static let unknownPrefix = "OFPIT_UNKNOWN_"
}
