/// The routes a daemon serves: GET paths bound to async closures. JSON
/// routes return Codable values; errors they throw become `{"error": ...}`
/// with the status of an `AdminError` (500 for anything else).
public struct AdminRouter: Sendable {
    public typealias Handler = @Sendable (AdminRequest) async throws -> AdminResponse
    private var routes: [String: Handler] = [:]

    public init() {}

    public mutating func get<Value: Encodable & Sendable>(_ path: String, _ handler: @escaping @Sendable (AdminRequest) async throws -> Value) {
        routes[path] = { request in try AdminResponse.json(try await handler(request)) }
    }

    /// A route answering with a ready response (the Prometheus page).
    public mutating func getResponse(_ path: String, _ handler: @escaping Handler) {
        routes[path] = handler
    }

    public var paths: [String] { routes.keys.sorted() }

    public func respond(to request: AdminRequest) async -> AdminResponse {
        guard let handler = routes[request.path] else {
            return .error(.notFound("no such path '\(request.path)'; this daemon serves \(paths.joined(separator: ", "))"))
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .error(AdminError(status: 405, "method \(request.method) not allowed: the admin API is read-only (GET)"))
        }
        do {
            return try await handler(request)
        } catch let error as AdminError {
            return .error(error)
        } catch {
            return .error(AdminError(status: 500, "\(error)"))
        }
    }
}
