/// `GET /neighbors`: one BGP neighbour as the operator sees it.
public struct NeighborReport: Codable, Hashable, Sendable {
    public var address: String
    /// The configured port; nil for a neighbour that dialled in (dynamic).
    public var port: Int?
    public var asn: UInt32
    public var state: String
    public var dynamic: Bool
    /// Seconds since the session reached Established; nil when it is not.
    public var uptimeSeconds: Double?
    public var prefixesReceived: Int
    public var prefixesSent: Int
    /// The last NOTIFICATION sent or received, by name.
    public var lastError: String?
    /// The route targets it imports (RFC 4684 membership: "65000:10", or
    /// "all"), when it negotiated route target constraint; nil: it gets every route.
    public var routeTargets: [String]?

    public init(address: String, port: Int?, asn: UInt32, state: String, dynamic: Bool, uptimeSeconds: Double?,
                prefixesReceived: Int, prefixesSent: Int, lastError: String?, routeTargets: [String]? = nil) {
        self.address = address; self.port = port; self.asn = asn; self.state = state; self.dynamic = dynamic
        self.uptimeSeconds = uptimeSeconds; self.prefixesReceived = prefixesReceived; self.prefixesSent = prefixesSent
        self.lastError = lastError; self.routeTargets = routeTargets
    }
}
