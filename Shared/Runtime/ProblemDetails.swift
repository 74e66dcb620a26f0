import Foundation
import HTTPTypes
import Hummingbird
import OmniPersistence
import PostgresNIO

/// RFC 9457 problem details: every HTTP error Omni returns has this body,
/// `Content-Type: application/problem+json`.
public struct ProblemDetails: Error, HTTPResponseError, Codable, Sendable {
    public var type: String
    public var title: String
    /// The HTTP status code, repeated in the body.
    public var statusCode: Int
    public var detail: String?
    /// Per-field reasons for invalid input.
    public var errors: [String: String]?
    /// On a 403: the scope the route needs and the credential lacks.
    public var requiredScope: String?
    /// On a 401/403: the `WWW-Authenticate` challenge (RFC 6750), sent as a header.
    public var challenge: String?
    /// On a 429 or 503: seconds until a retry may succeed, sent as `Retry-After`.
    public var retryAfter: Int?

    public init(status: HTTPResponse.Status, type: String? = nil, title: String? = nil, detail: String? = nil, errors: [String: String]? = nil) {
        self.statusCode = status.code
        self.title = title ?? status.reasonPhrase
        self.type = type ?? "https://omni.example/problems/\(status.code)"
        self.detail = detail
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, errors, requiredScope
        case statusCode = "status"
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(self)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let challenge { headers[.wwwAuthenticate] = challenge }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every error (unknown route, bad JSON, a handler's bug) into problem+json.
public struct ProblemDetailsMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            throw problem
        } catch let error as HTTPError {
            // An unknown route has no body: say which request it was.
            throw ProblemDetails(status: error.status, detail: error.body ?? "\(request.method) \(request.uri.path.prefix(200)): \(error.status.reasonPhrase)")
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22021" {
            // A NUL character from the path, query or body: text Postgres cannot hold.
            throw ProblemDetails(status: .badRequest, title: "Invalid text", detail: "the request holds a NUL character, which no field accepts")
        } catch DatabaseError.connectionLost {
            // Postgres went away under the request: worth retrying once it is back.
            throw ProblemDetails(status: .serviceUnavailable, title: "Database unavailable", detail: "the database connection was lost; retry shortly")
        } catch let error as DecodingError {
            throw ProblemDetails(status: .badRequest, title: "Malformed request body", detail: "\(error)")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            throw ProblemDetails(status: .internalServerError, detail: "internal error")
        }
    }
}
