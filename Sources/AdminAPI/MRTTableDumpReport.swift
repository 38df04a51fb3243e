/// `POST /mrt/table-dump`: the file written and what it holds.
public struct MRTTableDumpReport: Codable, Hashable, Sendable {
    public var file: String
    /// Established peers in its PEER_INDEX_TABLE (besides the reflector itself).
    public var peers: Int
    /// RIB_GENERIC records: one per destination.
    public var destinations: Int

    public init(file: String, peers: Int, destinations: Int) {
        self.file = file
        self.peers = peers
        self.destinations = destinations
    }
}

extension AdminRouter {
    /// `POST /mrt/table-dump`: `dump` writes the table (nil: MRT dumps are not configured, said as a 400).
    public mutating func serveMRTTableDump(_ dump: (@Sendable () async throws -> MRTTableDumpReport)?) {
        post("/mrt/table-dump") { _ in
            guard let dump else { throw AdminError.badRequest("MRT dumps are off: start swiftplane-rr with --mrt-directory DIR or 'mrt:' in its file") }
            do { return try await dump() } catch { throw AdminError.unavailable("\(error)") }
        }
    }
}
