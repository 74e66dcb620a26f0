import Hummingbird
import OmniAuth

/// Verifies the bearer credential of every request but the operational routes
/// (`/health/*`, `/metrics`), before routing: an unknown path answers 401 too, so nothing
/// is reachable without a credential. Each route then checks its scope (`requires:`).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = OmniRequestContext
    let verifier: TokenVerifier
    let accessLog: PIIAccessLog
    /// Routes under these prefixes check their callers themselves (`ServiceDefinition`).
    var selfAuthenticated: [String] = []

    static func isOpen(_ path: String) -> Bool {
        path == "/metrics" || path == "/health/live" || path == "/health/ready"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.accessLog = accessLog
        let path = request.uri.path
        guard !Self.isOpen(path), !selfAuthenticated.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else {
            return try await next(request, context)
        }
        do {
            context.credential = try await verifier.credential(authorization: request.headers[.authorization])
        } catch {
            context.logger.info("credential refused", metadata: ["reason": "\(error)", "path": "\(request.uri.path.prefix(200))"])
            throw ProblemDetails.unauthorized(error)
        }
        context.logger[metadataKey: "caller"] = "\(context.credential?.subject ?? "?")"
        return try await next(request, context)
    }
}

extension Router where Context == OmniRequestContext {
    /// A GET route that answers only a credential holding `scope`; with `store`, only one
    /// that may act for the store named by that path parameter.
    @discardableResult
    public func get<Output: ResponseGenerator>(
        _ path: RouterPath, requires scope: Scope, storeParameter store: String? = nil,
        use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self {
        on(path, method: .get, requires: scope, storeParameter: store, use: handler)
    }

    /// A POST route that answers only a credential holding `scope`.
    @discardableResult
    public func post<Output: ResponseGenerator>(
        _ path: RouterPath, requires scope: Scope, storeParameter store: String? = nil,
        use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self {
        on(path, method: .post, requires: scope, storeParameter: store, use: handler)
    }

    private func on<Output: ResponseGenerator>(
        _ path: RouterPath, method: HTTPRequest.Method, requires scope: Scope, storeParameter store: String?,
        use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self {
        on(path, method: method) { request, context in
            try context.authorize(scope, store: try store.map { try context.parameters.require($0) })
            return try await handler(request, context)
        }
    }
}
