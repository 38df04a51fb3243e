import ArgumentParser
import BGP
import BGPSpeaker
import ConfigurationValues
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

/// --router-id, --cluster-id.
extension IPv4Address: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Parsed in ConfigurationValues, which the configuration file shares.
extension ListenAddress: ExpressibleByArgument {
    public var defaultValueDescription: String { description }
}

/// IPV4, IPV4:PORT, IPV6, [IPV6] or [IPV6]:PORT (179 when absent).
struct NeighborArgument: ExpressibleByArgument {
    var address: IPAddress
    var port: Int
    init?(argument: String) {
        guard let (a, p) = ListenAddress.hostPort(argument, defaultPort: ConfigurationFile.Defaults.bgpPort), (1...65535).contains(p) else { return nil }
        address = a
        port = p
    }
}

/// --accept.
extension NeighborRange: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
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
