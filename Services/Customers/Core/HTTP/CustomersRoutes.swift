import CustomersContracts
import Foundation
import Hummingbird
import OmniAuth
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// The customers' read side: lookup by any identifier, the 360 view, timeline paging,
/// consents with their history, and the GDPR export.
enum CustomersRoutes {
    static func add(to router: Router<OmniRequestContext>, database: Database) {
        let views = CustomerViews(database: database)
        router.get("/customers/lookup", requires: .customersRead) { request, context in
            let query = request.uri.queryParameters
            let given = CustomerIdentifier.Kind.allCases.compactMap { kind in query.get(kind.queryName).map { CustomerIdentifier(kind, $0) } }
            guard given.count == 1, let identifier = given.first else {
                throw ProblemDetails(status: .badRequest, title: "Invalid query",
                                     detail: "give exactly one of \(CustomerIdentifier.Kind.allCases.map(\.queryName).joined(separator: ", "))")
            }
            let view = try await views.view(.identifier(identifier))
            // The identifier searched by is personal data itself: the log names only its kind.
            try await context.recordPersonalDataAccess(customer: view.customerId, action: "lookup:\(identifier.kind.queryName)")
            return Response.json(view)
        }
        router.get("/customers/search", requires: .customersRead) { request, context in
            let typed = request.uri.queryParameters.get("name") ?? ""
            let name = typed.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (2...100).contains(typed.count), !name.isEmpty else { throw badRequest("name", "2 to 100 characters of a first or last name") }
            let found = try await views.search(name: name)
            for match in found.customers { try await context.recordPersonalDataAccess(customer: match.customerId, action: "search:name") }
            return Response.json(found)
        }
        let journeys = JourneyViews(database: database)
        router.get("/customers/:id/journey", requires: .customersRead) { _, context in
            let journey = try await journeys.customer(.id(try context.parameters.require("id")))
            try await context.recordPersonalDataAccess(customer: journey.customerId, action: "journey")
            return Response.json(journey)
        }
        router.get("/analytics/journeys", requires: .analyticsRead) { _, _ in
            Response.json(try await journeys.shop())
        }
        router.get("/customers/:id", requires: .customersRead) { _, context in
            let view = try await views.view(.id(try context.parameters.require("id")))
            try await context.recordPersonalDataAccess(customer: view.customerId, action: "view")
            return Response.json(view)
        }
        router.get("/customers/:id/timeline", requires: .customersRead) { request, context in
            let query = request.uri.queryParameters
            let limit = try query.get("limit").map { text in
                guard let value = Int(text), (1...500).contains(value) else { throw badRequest("limit", "a whole number from 1 to 500") }
                return value
            } ?? 50
            let before = try query.get("before").map { text in
                guard let value = Int64(text) else { throw badRequest("before", "the entryId where the previous page ended") }
                return value
            }
            let page = try await views.timeline(.id(try context.parameters.require("id")), before: before, limit: limit)
            try await context.recordPersonalDataAccess(customer: page.customerId, action: "timeline")
            return Response.json(page)
        }
        router.get("/customers/:id/consents", requires: .customersRead) { request, context in
            let id = try context.parameters.require("id")
            let consents = try await views.consents(.id(id), history: request.uri.queryParameters.get("history") == "true")
            try await context.recordPersonalDataAccess(customer: id, action: "consents")
            return Response.json(consents)
        }
        router.get("/customers/:id/export", requires: .customersExport) { _, context in
            let export = try await views.export(.id(try context.parameters.require("id")))
            try await context.recordPersonalDataAccess(customer: export.customerId, action: "export")
            return Response.json(export)
        }
        router.get("/leads", requires: .leadsRead) { request, context in
            let query = request.uri.queryParameters
            var assignee: LeadAssignee?
            if let kindText = query.get("assigneeKind") {
                guard let kind = LeadAssignee.Kind(rawValue: kindText), let id = query.get("assigneeId") else {
                    throw badRequest("assigneeKind", "one of \(LeadAssignee.Kind.allCases.map(\.rawValue).joined(separator: ", ")) with assigneeId")
                }
                assignee = LeadAssignee(kind: kind, id: id)
            }
            let leads = try await database.withConnection { [assignee] connection in
                try await LeadRecords.leads(id: nil, assignee: assignee, limit: 200, on: connection, logger: database.logger)
            }
            // A lead names a prospect (company, contact): each one read is logged under its profile.
            for customer in Set(leads.map(\.customerId)) { try await context.recordPersonalDataAccess(customer: customer, action: "leads") }
            return Response.json(leads)
        }
        router.get("/lead-queues/:kind/:id", requires: .leadsRead) { _, context in
            // An assignee's work list: their open leads, the most urgent first, with each
            // one's age and time left to act.
            guard let kind = LeadAssignee.Kind(rawValue: try context.parameters.require("kind")) else {
                throw ProblemDetails(status: .notFound, title: "Unknown assignee kind",
                                     detail: "one of \(LeadAssignee.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let assignee = LeadAssignee(kind: kind, id: try context.parameters.require("id"))
            let leads = try await database.withConnection { connection in
                try await LeadRecords.leads(id: nil, assignee: assignee, queue: true, limit: 200, on: connection, logger: database.logger)
            }
            for customer in Set(leads.map(\.customerId)) { try await context.recordPersonalDataAccess(customer: customer, action: "lead-queue") }
            return Response.json(leads)
        }
        router.get("/leads/:id", requires: .leadsRead) { _, context in
            let id = try context.parameters.require("id")
            let found = try await database.withConnection { connection in
                try await LeadRecords.leads(id: id, assignee: nil, limit: 1, on: connection, logger: database.logger)
            }
            guard let lead = found.first else { throw ProblemDetails(status: .notFound, title: "Unknown lead", detail: "no lead \(id)") }
            try await context.recordPersonalDataAccess(customer: lead.customerId, action: "lead")
            return Response.json(lead)
        }
        router.get("/lead-rules", requires: .leadsRead) { _, _ in
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
