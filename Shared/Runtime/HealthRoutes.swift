import Foundation
import Hummingbird

/// What `/health/ready` checks: migrations done, database and broker reachable.
public struct ReadinessChecks: Sendable {
    public var checks: [(name: String, check: @Sendable () async -> Bool)]

    public init(_ checks: [(name: String, check: @Sendable () async -> Bool)]) { self.checks = checks }

    /// Runs every check concurrently; returns the failing names.
    public func failing() async -> [String] {
        await withTaskGroup(of: (String, Bool).self) { group in
            for (name, check) in checks { group.addTask { (name, await check()) } }
            var failing: [String] = []
            for await (name, ok) in group where !ok { failing.append(name) }
            return failing.sorted()
        }
    }
}

extension Router {
    /// `/health/live`, `/health/ready` and `/metrics`, served by every service.
    public func addOperationalRoutes(service: String, readiness: ReadinessChecks) {
        get("/health/live") { _, _ in
            Response.json(["status": "live", "service": service])
        }
        get("/health/ready") { _, _ in
            let failing = await readiness.failing()
            guard failing.isEmpty else {
                throw ProblemDetails(status: .serviceUnavailable, title: "Not ready", detail: "failing: \(failing.joined(separator: ", "))")
            }
            return Response.json(["status": "ready", "service": service])
        }
        get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OmniMetrics.exposition())))
        }
    }
}

extension Response {
    /// A JSON response from any `Encodable` (sorted keys, ISO dates).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
