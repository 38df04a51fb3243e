import Foundation
import NetAddress

/// One flow as `ovs-ofctl -O OpenFlow13` prints it, in a dump or as a flow
/// monitor event, reduced to what the scale drill checks. Sans-I/O.
struct FlowLine: Equatable, Sendable {
    enum Event: String, Sendable {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED"
        /// A change made by the monitoring connection itself: no flow in it.
        case abbreviated = "ABBREV"
    }

    /// nil: a line of a dump.
    var event: Event?
    var table: Int
    var ethDestination: UInt64?
    var arpTargetAddress: UInt32?
    /// `set_field:A.B.C.D->tun_dst`: where a forward flow sends the frame.
    var tunnelDestination: UInt32?
    /// `set_field:MAC->eth_src`: what an ARP responder answers with.
    var ethSourceSet: UInt64?

    /// nil for lines that hold no flow (headers, pause notices).
    static func parse(_ line: Substring) -> FlowLine? {
        guard let table = value(after: "table=", in: line).flatMap({ Int($0) }) else { return nil }
        var event: Event?
        if let name = value(after: "event=", in: line) {
            guard let known = Event(rawValue: String(name)) else { return nil }
            event = known
        }
        return FlowLine(
            event: event, table: table,
            ethDestination: value(after: "dl_dst=", in: line).flatMap { EthernetAddress(String($0))?.rawValue },
            arpTargetAddress: value(after: "arp_tpa=", in: line).flatMap { IPv4Address(String($0))?.rawValue },
            tunnelDestination: setField("tun_dst", in: line).flatMap { IPv4Address(String($0))?.rawValue },
            ethSourceSet: setField("eth_src", in: line).flatMap { EthernetAddress(String($0))?.rawValue })
    }

    /// The word after `key` up to a comma, space or the end.
    private static func value(after key: String, in line: Substring) -> Substring? {
        guard let start = line.range(of: key)?.upperBound else { return nil }
        let rest = line[start...]
        return rest.prefix { $0 != "," && $0 != " " }
    }

    /// X of `set_field:X->FIELD`.
    private static func setField(_ field: String, in line: Substring) -> Substring? {
        guard let arrow = line.range(of: "->\(field)")?.lowerBound,
              let start = line[..<arrow].range(of: "set_field:", options: .backwards)?.upperBound else { return nil }
        return line[start..<arrow]
    }
}

/// What one host's switch holds of the injected endpoints' flows: built from
/// a dump or from the flow monitor's initial state, then kept by its events,
/// each stamped with when it arrived. Sans-I/O.
struct InjectedFlows: Sendable {
    /// Endpoint index -> tunnel destination of its table-30 forward flow (0: none set).
    private(set) var forward: [Int: UInt32] = [:]
    /// Endpoint index -> MAC its table-20 ARP responder answers with (0: none set).
    private(set) var responders: [Int: UInt64] = [:]
    /// Endpoint index -> when its flows last changed, in monotonic nanoseconds.
    private(set) var changedAt: [Int: UInt64] = [:]
    /// When any injected flow last changed.
    private(set) var lastChange: UInt64 = 0
    /// Events seen for injected flows, and those that named no flow (ABBREV).
    private(set) var events = 0
    private(set) var abbreviated = 0

    static let forwardTable = 30
    static let addressResolutionTable = 20

    mutating func apply(_ line: FlowLine, at time: UInt64) {
        if line.event == .abbreviated { abbreviated += 1; return }
        let remove = line.event == .deleted
        let index: Int
        switch line.table {
        case Self.forwardTable:
            guard let mac = line.ethDestination, let i = ScaleDrillRoutes.index(mac: mac) else { return }
            index = i
            forward[i] = remove ? nil : line.tunnelDestination ?? 0
        case Self.addressResolutionTable:
            guard let ip = line.arpTargetAddress, let i = ScaleDrillRoutes.index(ip: ip) else { return }
            index = i
            responders[i] = remove ? nil : line.ethSourceSet ?? 0
        default:
            return
        }
        events += 1
        changedAt[index] = time
        lastChange = time
    }

    /// Whether endpoint `index` has exactly its flows towards `vtep`, or none at all for nil.
    func holds(_ index: Int, at vtep: IPv4Address?) -> Bool {
        guard let vtep else { return forward[index] == nil && responders[index] == nil }
        return forward[index] == vtep.rawValue && responders[index] == ScaleDrillRoutes.mac(index).rawValue
    }

    /// How these flows differ from the wanted endpoints (index -> VTEP).
    func difference(from wanted: [Int: IPv4Address]) -> Difference {
        var d = Difference(wanted: wanted.count)
        for (index, vtep) in wanted {
            switch forward[index] {
            case nil: d.missingForward += 1
            case vtep.rawValue?: break
            default: d.wrongForward += 1
            }
            switch responders[index] {
            case nil: d.missingResponders += 1
            case ScaleDrillRoutes.mac(index).rawValue?: break
            default: d.wrongResponders += 1
            }
        }
        d.extraForward = forward.count - (wanted.count - d.missingForward)
        d.extraResponders = responders.count - (wanted.count - d.missingResponders)
        return d
    }

    /// Same flows (timestamps aside): a dump against the monitor's view.
    func sameFlows(as other: InjectedFlows) -> Bool { forward == other.forward && responders == other.responders }

    struct Difference: Equatable, Sendable, CustomStringConvertible {
        var wanted: Int
        var missingForward = 0, wrongForward = 0, extraForward = 0
        var missingResponders = 0, wrongResponders = 0, extraResponders = 0

        var isExact: Bool {
            missingForward + wrongForward + extraForward + missingResponders + wrongResponders + extraResponders == 0
        }

        var description: String {
            "\(wanted - missingForward - wrongForward) of \(wanted) forward flows right (\(missingForward) missing, "
                + "\(wrongForward) towards another VTEP, \(extraForward) extra), \(wanted - missingResponders - wrongResponders) "
                + "of \(wanted) ARP responders right (\(missingResponders) missing, \(wrongResponders) wrong, \(extraResponders) extra)"
        }
    }
}
