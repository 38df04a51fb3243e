import OpenFlow

/// One meter as the application wants it on a switch.
public struct MeterEntry: NumberedEntry {
    /// OFPMF_* flags.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let kilobitsPerSecond = Flags(rawValue: 1)
        public static let packetsPerSecond = Flags(rawValue: 2)
        public static let burst = Flags(rawValue: 4)
        public static let statistics = Flags(rawValue: 8)
    }

    public var id: UInt32
    public var flags: Flags
    public var bands: [MeterBand]

    public init(id: UInt32, flags: Flags, bands: [MeterBand]) {
        self.id = id
        self.flags = flags
        self.bands = bands
    }

    /// A meter that drops packets above `packetsPerSecond`.
    public static func dropping(id: UInt32, packetsPerSecond rate: UInt32, burst: UInt32) -> MeterEntry {
        MeterEntry(id: id, flags: [.packetsPerSecond, .burst, .statistics],
                   bands: [MeterBand(.drop, rate: rate, burstSize: burst)])
    }

    /// The meter as a switch reports it (meter-config multipart).
    public init(_ config: MeterConfig) {
        id = config.meterID
        flags = Flags(rawValue: config.flags)
        bands = config.bands
    }

    public func message(_ command: NumberedEntryCommand) -> OpenFlowMessage {
        .meterMod(MeterMod(command: command.rawValue, flags: flags.rawValue, meterID: id,
                           bands: command == .delete ? [] : bands))
    }
}
