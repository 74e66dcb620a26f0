import Foundation
import Hummingbird
import OmniMessaging

extension ProblemDetails {
    /// 400 for a query parameter that is missing or malformed, naming what was expected.
    public static func invalidQuery(_ field: String, _ expected: String) -> ProblemDetails {
        ProblemDetails(status: .badRequest, title: "Invalid query", detail: "\(field): expected \(expected)", errors: [field: "expected \(expected)"])
    }

    public static func notFound(_ what: String) -> ProblemDetails {
        ProblemDetails(status: .notFound, title: "Not found", detail: what)
    }
}

extension Request {
    /// `?limit=` within 1...1000, or `fallback`.
    public func limit(default fallback: Int) throws -> Int {
        guard let text = uri.queryParameters.get("limit") else { return fallback }
        guard let value = Int(text), (1...1000).contains(value) else { throw ProblemDetails.invalidQuery("limit", "a whole number from 1 to 1000") }
        return value
    }

    /// An ISO 8601 time in `?name=`, if given.
    public func time(_ name: String) throws -> Date? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let date = Timestamp.parse(text) else { throw ProblemDetails.invalidQuery(name, "an ISO 8601 time") }
        return date
    }
}
