import AdminAPI
import BGP
import BGPSpeaker

extension AdminRouter {
    /// The reflector's neighbour actions (not served by the agent).
    public mutating func serveNeighborActions(_ speaker: Speaker) {
        @Sendable func address(_ request: AdminRequest) throws -> IPAddress {
            guard let text = request.query["address"], let a = IPAddress(text) else {
                throw AdminError.badRequest("query parameter 'address': invalid value '\(request.query["address"] ?? "")': expected an IPv4 or IPv6 address")
            }
            return a
        }
        post("/neighbor/reset") { request in
            let a = try address(request)
            let n = await speaker.resetNeighbor(a)
            guard n > 0 else { throw AdminError.notFound("no neighbour \(a)") }
            return NeighborActionReport(address: "\(a)", action: "reset", sessions: n)
        }
        post("/neighbor/soft-reset") { request in
            let a = try address(request)
            let text = request.query["direction"] ?? "both"
            guard let direction = SoftResetDirection(rawValue: text) else {
                throw AdminError.badRequest("query parameter 'direction': invalid value '\(text)': expected in, out or both")
            }
            let n = await speaker.softResetNeighbor(a, direction)
            guard n > 0 else { throw AdminError.notFound("no Established session with \(a)") }
            return NeighborActionReport(address: "\(a)", action: "soft-reset \(direction.rawValue)", sessions: n)
        }
    }
}
