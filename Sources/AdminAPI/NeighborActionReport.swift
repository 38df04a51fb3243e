/// `POST /neighbor/reset?address=` and `POST /neighbor/soft-reset?address=&direction=`: what was done.
public struct NeighborActionReport: Codable, Hashable, Sendable {
    public var address: String
    /// "reset", "soft-reset in", "soft-reset out" or "soft-reset both".
    public var action: String
    public var sessions: Int

    public init(address: String, action: String, sessions: Int) {
        self.address = address
        self.action = action
        self.sessions = sessions
    }
}
