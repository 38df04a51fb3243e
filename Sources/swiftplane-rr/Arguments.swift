import ArgumentParser
import BGP
import BGPSpeaker
import Logging
import ReflectorConfiguration

// Flag value types: a value that does not parse makes ArgumentParser name
// the flag and the value.

struct ASNumber: ExpressibleByArgument {
    var value: UInt32
    init?(argument: String) {
        guard let v = UInt32(argument), v != 0 else { return nil }
        value = v
    }
}

struct IPv4Argument: ExpressibleByArgument {
    var address: IPv4Address
    init?(argument: String) {
        guard let a = IPv4Address(argument) else { return nil }
        address = a
    }
}

/// Parsed in ReflectorConfiguration, which the configuration file shares.
extension ListenAddress: ExpressibleByArgument {
    public var defaultValueDescription: String { "\(host):\(port)" }
}

/// ADDRESS or ADDRESS:PORT (179 when absent).
struct NeighborArgument: ExpressibleByArgument {
    var address: IPv4Address
    var port: Int
    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let a = IPv4Address(String(parts[0])) else { return nil }
        address = a
        if parts.count == 2 {
            guard let p = Int(parts[1]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            port = 179
        }
    }
}

struct RangeArgument: ExpressibleByArgument {
    var range: NeighborRange
    init?(argument: String) {
        guard let r = NeighborRange(argument) else { return nil }
        range = r
    }
}

struct HoldTime: ExpressibleByArgument {
    var seconds: UInt16
    init(seconds: UInt16) { self.seconds = seconds }
    init?(argument: String) {
        guard let v = UInt16(argument), v == 0 || v >= 3 else { return nil }
        seconds = v
    }
    var defaultValueDescription: String { "\(seconds)" }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
