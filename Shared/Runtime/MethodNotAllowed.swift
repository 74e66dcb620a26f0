import HTTPTypes
import Hummingbird
import Synchronization

/// The paths a router serves and the methods of each, filled once its routes are added
/// (`Router.routes`), for `MethodNotAllowedMiddleware` to tell a 405 from a 404.
public final class ServedRoutes: Sendable {
    private let table = Mutex<[(segments: [String], methods: [String])]>([])

    public init() {}

    /// Takes the router's routes as they are now: call it after the last one is added.
    public func fill<Context>(from router: Router<Context>) {
        var byPath: [String: Set<String>] = [:]
        for route in router.routes { byPath[route.path.description, default: []].insert(route.method.rawValue) }
        table.withLock { table in
            table = byPath.map { (Self.segments(of: $0.key), $0.value.sorted()) }
        }
    }

    /// The methods served on `path` (a parameter matches any one non-empty segment), or nil
    /// when no route serves the path at all.
    public func methods(servedOn path: String) -> [String]? {
        let segments = Self.segments(of: path)
        let matching = table.withLock { table in
            table.filter { route in
                route.segments.count == segments.count && zip(route.segments, segments).allSatisfy { pattern, segment in
                    pattern == segment || (Self.isParameter(pattern) && !segment.isEmpty)
                }
            }.flatMap(\.methods)
        }
        return matching.isEmpty ? nil : Array(Set(matching)).sorted()
    }

    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    static func isParameter(_ segment: String) -> Bool {
        (segment.hasPrefix("{") && segment.hasSuffix("}")) || segment.hasPrefix(":") || segment == "*"
    }
}

/// A path the service serves, asked with a method it does not serve (any method, `QUERY`
/// or one made up included), answers 405 with `Allow` listing those it does (RFC 9110
/// §15.5.6) as problem+json, instead of the router's 404; a path it does not serve stays 404.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let served: ServedRoutes

    public init(served: ServedRoutes) { self.served = served }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let methods = served.methods(servedOn: request.uri.path) else { throw error }
            let allow = methods.joined(separator: ", ")
            var response = try ProblemDetails(status: .methodNotAllowed,
                                              detail: "\(request.method.rawValue.prefix(32)) is not served on this path; allowed: \(allow)")
                .response(from: request, context: context)
            response.headers[.allow] = allow
            if request.method == .head { response.body = .init() }
            return response
        }
    }
}
