import ConfigurationValues

extension MetricsListener {
    /// The metrics server for `router`'s `/metrics` and `/healthz` only.
    public static func server(address: AdminAddress, serving router: AdminRouter) -> AdminServer {
        AdminServer(address: address, router: router.restricted(to: paths), role: "metrics listener")
    }
}

extension AdminRouter {
    /// A router with only those of this one's routes that `paths` names.
    public func restricted(to paths: [String]) -> AdminRouter {
        var copy = AdminRouter()
        for path in paths { if let handler = routes[path] { copy.getResponse(path, handler) } }
        return copy
    }
}
