import ArgumentParser
import BGP
import BGPSpeaker
import Logging

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

struct ListenAddress: ExpressibleByArgument {
    var host: String
    var port: Int
    init(host: String, port: Int) { self.host = host; self.port = port }
    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let p = Int(argument[argument.index(after: colon)...]), (0...65535).contains(p),
              IPv4Address(String(argument[..<colon])) != nil else { return nil }
        host = String(argument[..<colon])
        port = p
    }
    var defaultValueDescription: String { "\(host):\(port)" }
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
