import Foundation
import Hummingbird
import OmniPersistence
import OmniRuntime

/// A customer's message log (what was sent, suppressed or failed, and why).
enum NotificationsRoutes {
    struct Log: Codable, Sendable {
        var customerId: String
        var messages: [MessageRecords.LogEntry]
    }

    static func add(to router: Router<BasicRequestContext>, database: Database) {
        router.get("/customers/:id/messages") { request, context in
            let id = try context.parameters.require("id")
            let limit = try request.limit(default: 100)
            let entries = try await database.client.withConnection { connection in
                try await MessageRecords.log(id, limit: limit, on: connection, logger: database.logger)
            }
            return Response.json(Log(customerId: id, messages: entries))
        }
    }
}
