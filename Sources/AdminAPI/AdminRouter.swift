/// The routes a daemon serves: GET paths bound to async closures. JSON
/// routes return Codable values; errors they throw become `{"error": ...}`
/// with the status of an `AdminError` (500 for anything else).
public struct AdminRouter: Sendable {
    public typealias Handler = @Sendable (AdminRequest) async throws -> AdminResponse
    var routes: [String: Handler] = [:]
    /// POST paths: the few actions (clear a frozen MAC, set the log level).
    var actions: [String: Handler] = [:]

    public init() {}

    public mutating func get<Value: Encodable & Sendable>(_ path: String, _ handler: @escaping @Sendable (AdminRequest) async throws -> Value) {
        routes[path] = { request in try AdminResponse.json(try await handler(request)) }
    }

    /// A route answering with a ready response (the Prometheus page).
    public mutating func getResponse(_ path: String, _ handler: @escaping Handler) {
        routes[path] = handler
    }

    /// An action: `POST path`, its arguments in the query, a JSON answer.
    public mutating func post<Value: Encodable & Sendable>(_ path: String, _ handler: @escaping @Sendable (AdminRequest) async throws -> Value) {
        actions[path] = { request in try AdminResponse.json(try await handler(request)) }
    }

    public var paths: [String] { routes.keys.sorted() }

    public func respond(to request: AdminRequest) async -> AdminResponse {
        if request.method == "POST", let action = actions[request.path] {
            do { return try await action(request) } catch let error as AdminError { return .error(error) } catch {
                return .error(AdminError(status: 500, "\(error)"))
            }
        }
        guard let handler = routes[request.path] else {
            return .error(.notFound("no such path '\(request.path)'; this daemon serves \(paths.joined(separator: ", "))"))
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            let actionList = actions.isEmpty ? "" : "; the actions are POST \(actions.keys.sorted().joined(separator: ", "))"
            return .error(AdminError(status: 405, "method \(request.method) not allowed on \(request.path): GET only\(actionList)"))
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
