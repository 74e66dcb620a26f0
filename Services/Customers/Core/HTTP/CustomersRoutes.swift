import CustomersContracts
import Foundation
import Hummingbird
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// The customers' read side: lookup by any identifier, the 360 view, timeline paging,
/// consents with their history, and the GDPR export.
enum CustomersRoutes {
    static func add(to router: Router<BasicRequestContext>, database: Database) {
        let views = CustomerViews(database: database)
        router.get("/customers/lookup") { request, _ in
            let query = request.uri.queryParameters
            let given = CustomerIdentifier.Kind.allCases.compactMap { kind in query.get(kind.queryName).map { CustomerIdentifier(kind, $0) } }
            guard given.count == 1, let identifier = given.first else {
                throw ProblemDetails(status: .badRequest, title: "Invalid query",
                                     detail: "give exactly one of \(CustomerIdentifier.Kind.allCases.map(\.queryName).joined(separator: ", "))")
            }
            return Response.json(try await views.view(.identifier(identifier)))
        }
        let journeys = JourneyViews(database: database)
        router.get("/customers/:id/journey") { _, context in
            Response.json(try await journeys.customer(.id(try context.parameters.require("id"))))
        }
        router.get("/analytics/journeys") { _, _ in
            Response.json(try await journeys.shop())
        }
        router.get("/customers/:id") { _, context in
            Response.json(try await views.view(.id(try context.parameters.require("id"))))
        }
        router.get("/customers/:id/timeline") { request, context in
            let query = request.uri.queryParameters
            let limit = try query.get("limit").map { text in
                guard let value = Int(text), (1...500).contains(value) else { throw badRequest("limit", "a whole number from 1 to 500") }
                return value
            } ?? 50
            let before = try query.get("before").map { text in
                guard let value = Int64(text) else { throw badRequest("before", "the entryId where the previous page ended") }
                return value
            }
            return Response.json(try await views.timeline(.id(try context.parameters.require("id")), before: before, limit: limit))
        }
        router.get("/customers/:id/consents") { request, context in
            Response.json(try await views.consents(.id(try context.parameters.require("id")), history: request.uri.queryParameters.get("history") == "true"))
        }
        router.get("/customers/:id/export") { _, context in
            Response.json(try await views.export(.id(try context.parameters.require("id"))))
        }
        router.get("/leads") { request, _ in
            let query = request.uri.queryParameters
            var assignee: LeadAssignee?
            if let kindText = query.get("assigneeKind") {
                guard let kind = LeadAssignee.Kind(rawValue: kindText), let id = query.get("assigneeId") else {
                    throw badRequest("assigneeKind", "one of \(LeadAssignee.Kind.allCases.map(\.rawValue).joined(separator: ", ")) with assigneeId")
                }
                assignee = LeadAssignee(kind: kind, id: id)
            }
            return Response.json(try await database.withConnection { [assignee] connection in
                try await LeadRecords.leads(id: nil, assignee: assignee, limit: 200, on: connection, logger: database.logger)
            })
        }
        router.get("/leads/:id") { _, context in
            let id = try context.parameters.require("id")
            let found = try await database.withConnection { connection in
                try await LeadRecords.leads(id: id, assignee: nil, limit: 1, on: connection, logger: database.logger)
            }
            guard let lead = found.first else { throw ProblemDetails(status: .notFound, title: "Unknown lead", detail: "no lead \(id)") }
            return Response.json(lead)
        }
        router.get("/lead-rules") { _, _ in
            let (version, rules) = try await database.withConnection { connection in
                try await LeadRecords.currentRules(on: connection, logger: database.logger)
            }
            return Response.json(LeadRulesChanged(version: version, rules: rules))
        }
    }

    static func badRequest(_ field: String, _ expected: String) -> ProblemDetails { .invalidQuery(field, expected) }
}

extension CustomerIdentifier.Kind {
    /// `?email=`, `?phone=`, `?loyaltyCard=`, `?social=`, `?anonymous=`.
    var queryName: String { self == .loyaltyCard ? "loyaltyCard" : rawValue }
}
