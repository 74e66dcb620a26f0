import Foundation
import Hummingbird
import OmniAuth
import OmniPersistence
import OmniRuntime
import OrdersContracts

/// Orders' part of a person's data (GDPR access request): every order with its contact,
/// address and returns, every quote, the cart. The edge gathers the services' parts into
/// one document (`GET /exports/customers/{id}`).
struct OrdersCustomerExport: Codable, Sendable {
    /// Which service's part this is.
    var service: String
    var customerId: String
    var exportedAt: Date
    var orders: [OrderSnapshot]
    var returns: [ItemsReturned]
    var quotes: [QuoteSnapshot]
    var cart: [CartLine]

    static func add(to router: Router<OmniRequestContext>, database: Database) {
        router.get("/customers/:id/export", requires: .customersExport) { _, context in
            let id = try context.parameters.require("id")
            let logger = database.logger
            let export = try await database.withConnection { connection in
                let orders = try await OrderRecords.customerOrders(id, limit: 100_000, before: nil, on: connection, logger: logger)
                var returns: [ItemsReturned] = []
                for order in orders { returns += try await ReturnRecords.all(of: order.orderId, on: connection, logger: logger) }
                return OrdersCustomerExport(
                    service: "orders", customerId: id, exportedAt: Date(), orders: orders.map(\.snapshot), returns: returns,
                    quotes: try await QuoteRecords.of(customer: id, limit: 100_000, on: connection, logger: logger),
                    cart: try await CartRecords.find(id, on: connection, logger: logger)?.cart.lines ?? [])
            }
            try await context.recordPersonalDataAccess(customer: id, action: "export")
            return Response.json(export)
        }
    }
}
