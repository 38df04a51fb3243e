import Foundation
import OpenFlow
import Overlay

/// What the agent learned from traffic and would lose in a restart: its
/// gleaned endpoints, with how long each had been silent and the MAC mobility
/// sequence it advertised them with. Saved to the state file and read back
/// at start, so a restart neither withdraws their routes (the first
/// End-of-RIB after a restart is complete) nor removes their flows.
/// Addresses are text, so the file reads well and an unknown or bad entry
/// is skipped alone.
public struct LearnedState: Codable, Hashable, Sendable {
    public struct GleanedEndpoint: Codable, Hashable, Sendable {
        public var bridge: String
        public var vni: UInt32
        public var mac: String
        public var ipv4: [String]
        public var ipv6: [String]
        public var port: UInt32
        /// Seconds since it was last seen, when the state was taken.
        public var silentSeconds: Double
        /// The MAC mobility sequence advertised for it (RFC 7432 section 15), when above 0.
        public var mobilitySequence: UInt32?

        public init(bridge: String, vni: UInt32, mac: String, ipv4: [String] = [], ipv6: [String] = [], port: UInt32,
                    silentSeconds: Double, mobilitySequence: UInt32? = nil) {
            self.bridge = bridge
            self.vni = vni
            self.mac = mac
            self.ipv4 = ipv4
            self.ipv6 = ipv6
            self.port = port
            self.silentSeconds = silentSeconds
            self.mobilitySequence = mobilitySequence
        }

        /// Numbers are read as JSON numbers and then checked, so one out of
        /// its type's range is refused with its field and value (the
        /// decoder would call the whole text invalid JSON).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            bridge = try c.decode(String.self, forKey: .bridge)
            vni = try integer(c, .vni)
            mac = try c.decode(String.self, forKey: .mac)
            ipv4 = try c.decode([String].self, forKey: .ipv4)
            ipv6 = try c.decode([String].self, forKey: .ipv6)
            port = try integer(c, .port)
            silentSeconds = try c.decode(Double.self, forKey: .silentSeconds)
            mobilitySequence = try c.contains(.mobilitySequence) && !c.decodeNil(forKey: .mobilitySequence)
                ? integer(c, .mobilitySequence) : nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try integer(c, .version)
        savedAt = try c.decodeIfPresent(Double.self, forKey: .savedAt)
        gleaned = try c.decode([GleanedEndpoint].self, forKey: .gleaned)
    }

    /// Bumped when the meaning of a field changes; a file of another version is not read.
    public static let currentVersion = 1
    public var version: Int
    /// When it was written (seconds since the epoch): the time the agent was
    /// away counts as silence too.
    public var savedAt: Double?
    public var gleaned: [GleanedEndpoint]

    public init(gleaned: [GleanedEndpoint] = []) {
        version = Self.currentVersion
        self.gleaned = gleaned
    }
}

/// What `AgentCore.restore` took from a `LearnedState`, and why it left the rest.
public struct LearnedStateRestore: Hashable, Sendable {
    public var restored = 0
    /// One line per entry left out, naming it and the reason.
    public var skipped: [String] = []

    public init(restored: Int = 0, skipped: [String] = []) {
        self.restored = restored
        self.skipped = skipped
    }
}

/// A JSON number that must be an integer of type `T`: the error names the key and the value.
private func integer<T: FixedWidthInteger, K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> T {
    let value = try c.decode(Double.self, forKey: key)
    guard let n = T(exactly: value) else {
        throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(value) is not an integer in \(T.min)...\(T.max)")
    }
    return n
}

/// A state file that cannot be used: the field (a path such as
/// `gleaned[3].vni`, empty for the file as a whole) and why, with the value.
public struct LearnedStateError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}

extension LearnedState {
    /// The largest file read (a full table of 100,000 gleaned endpoints per
    /// bridge is about 30 MiB of JSON).
    public static let maximumFileSize = 64 << 20
    /// `savedAt`, in seconds since the epoch: not before it, nor past the year 5000.
    public static let savedAtRange: ClosedRange<Double> = 0...95_000_000_000
    /// `silentSeconds`: at most about 31 years.
    public static let silentSecondsRange: ClosedRange<Double> = 0...1_000_000_000
    /// `port`: a switch port number, not a reserved one (OFPP_MAX).
    public static let portRange: ClosedRange<UInt32> = 1...OpenFlowPort.max

    /// The state in a file's bytes, or an error naming the field and the
    /// value: not JSON, a field missing or of another type, a number out of
    /// its type's range, or `savedAt` out of `savedAtRange`. Entries are
    /// checked one by one when restored (`AgentCore.restore`).
    public static func decode(_ data: Data) throws(LearnedStateError) -> LearnedState {
        guard data.count <= maximumFileSize else {
            throw LearnedStateError(field: "", reason: "\(data.count) bytes: larger than the \(maximumFileSize) a state file may have")
        }
        let state: LearnedState
        do { state = try JSONDecoder().decode(LearnedState.self, from: data) } catch {
            throw explain(error)
        }
        if let savedAt = state.savedAt, !savedAtRange.contains(savedAt) {
            throw LearnedStateError(field: "savedAt", reason: "\(savedAt) is not a time in \(savedAtRange) seconds since the epoch")
        }
        return state
    }

    /// The decoder's error as the field it stopped at and what was wrong there.
    private static func explain(_ error: any Error) -> LearnedStateError {
        guard let error = error as? DecodingError else { return LearnedStateError(field: "", reason: "\(error)") }
        func at(_ context: DecodingError.Context, _ extra: String = "") -> LearnedStateError {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return LearnedStateError(field: path.hasPrefix(".") ? String(path.dropFirst()) : path, reason: context.debugDescription + extra)
        }
        switch error {
        case let .dataCorrupted(context): return at(context)
        case let .keyNotFound(key, context): return at(context, " (missing \(key.stringValue))")
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return at(context)
        @unknown default: return LearnedStateError(field: "", reason: "\(error)")
        }
    }
}
