import Foundation
import Hummingbird
import HummingbirdTesting
import OmniRuntime
import Testing

/// The routes every service serves, without Kafka or Postgres: readiness is fed checks.
@Suite("Operational HTTP routes and problem+json")
struct OperationalRoutesTests {
    func app(ready: Bool) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ProblemDetailsMiddleware())
        router.addOperationalRoutes(service: "orders", readiness: ReadinessChecks([
            ("database", { ready }), ("broker", { true }),
        ]))
        return Application(router: router)
    }

    struct Problem: Decodable { var status: Int; var title: String; var detail: String? }

    @Test("live and ready answer 200 when every check passes; metrics are Prometheus text")
    func healthy() async throws {
        OmniMetrics.bootstrap()
        try await app(ready: true).test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
        }
    }

    @Test("a served path asked with another method (QUERY, made-up ones included) is a 405 with Allow; an unknown path stays a 404")
    func methodNotAllowed() async throws {
        let router = Router()
        let served = ServedRoutes()
        router.add(middleware: ProblemDetailsMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(served: served))
        router.addOperationalRoutes(service: "orders", readiness: ReadinessChecks([]))
        router.get("/orders/:id") { _, _ in "order" }
        router.post("/orders/:id/notes") { _, _ in "noted" }
        router.put("/orders/:id/notes") { _, _ in "replaced" }
        served.fill(from: router)
        try await Application(router: router).test(.router) { client in
            for (uri, method, allow) in [("/orders/42", HTTPRequest.Method.delete, "GET"), ("/orders/42", .post, "GET"),
                                         ("/orders/42/notes", .get, "POST, PUT"), ("/health/live", .patch, "GET"),
                                         ("/orders/42", HTTPRequest.Method("QUERY")!, "GET"), ("/orders/42", HTTPRequest.Method("BREW")!, "GET")] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                    #expect(problem.status == 405 && problem.detail?.contains(allow) == true)
                }
            }
            try await client.execute(uri: "/orders/42", method: .get) { #expect($0.status == .ok) }
            for uri in ["/orders", "/orders/42/notes/7", "/nothing"] {
                try await client.execute(uri: uri, method: .delete) { #expect($0.status == .notFound, "\(uri)") }
            }
        }
    }

    @Test("not ready is a 503 problem+json naming the failing check")
    func notReady() async throws {
        try await app(ready: false).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.status == 503)
                #expect(problem.detail == "failing: database")
            }
        }
    }

    @Test("an unknown route is a 404 problem+json")
    func unknownRoute() async throws {
        try await app(ready: true).test(.router) { client in
            try await client.execute(uri: "/no/such/thing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.status == 404)
            }
        }
    }
}
