/// OFPAT_*: the action types of OpenFlow 1.3 (§A.2.5), each number declared
/// here once and used by the encoder, the decoder and the names.
public enum ActionType: UInt16, WireNumber {
    case output = 0
    case copyTTLOut = 11
    case copyTTLIn = 12
    case setMPLSTTL = 15
    case decMPLSTTL = 16
    case pushVLAN = 17
    case popVLAN = 18
    case pushMPLS = 19
    case popMPLS = 20
    case setQueue = 21
    case group = 22
    case setNetworkTTL = 23
    case decNetworkTTL = 24
    case setField = 25
    case pushPBB = 26
    case popPBB = 27
    case experimenter = 0xffff

    /// The specification's name, e.g. "OFPAT_SET_FIELD".
    public var name: String {
        switch self {
        case .output: "OFPAT_OUTPUT"
        case .copyTTLOut: "OFPAT_COPY_TTL_OUT"
        case .copyTTLIn: "OFPAT_COPY_TTL_IN"
        case .setMPLSTTL: "OFPAT_SET_MPLS_TTL"
        case .decMPLSTTL: "OFPAT_DEC_MPLS_TTL"
        case .pushVLAN: "OFPAT_PUSH_VLAN"
        case .popVLAN: "OFPAT_POP_VLAN"
        case .pushMPLS: "OFPAT_PUSH_MPLS"
        case .popMPLS: "OFPAT_POP_MPLS"
        case .setQueue: "OFPAT_SET_QUEUE"
        case .group: "OFPAT_GROUP"
        case .setNetworkTTL: "OFPAT_SET_NW_TTL"
        case .decNetworkTTL: "OFPAT_DEC_NW_TTL"
        case .setField: "OFPAT_SET_FIELD"
        case .pushPBB: "OFPAT_PUSH_PBB"
        case .popPBB: "OFPAT_POP_PBB"
        case .experimenter: "OFPAT_EXPERIMENTER"
        }
    }

    /// Not declared: "OFPAT_UNKNOWN_N".
    public static let unknownPrefix = "OFPAT_UNKNOWN_"
}
