import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime
import OrdersContracts

/// What the customers service tells orders: two profiles became one (their orders and
/// carts follow the survivor), a person asked to be forgotten (orders stay, anonymous; a
/// quote's contact goes), and whose each lead is (a quote for a lead is its person's).
enum CustomerEventHandlers {
    static func merged(_ merged: CustomersMerged, _ event: CloudEvent, _ context: HandlerContext) async throws {
        try await OrderRecords.reassignCustomer(from: merged.mergedIds, to: merged.survivorId, on: context.connection, logger: context.logger)
        try await context.connection.run("""
            UPDATE lead_customers SET customer_id = \(merged.survivorId) WHERE customer_id = ANY(\(merged.mergedIds))
            """, logger: context.logger)
        try await CartHandlers.merge(merged.mergedIds, into: merged.survivorId, channel: nil, emitter: OrdersEmitter(context, cause: event))
    }

    /// Name, contact and address leave every order; lines, amounts and statuses stay so
    /// stock and sales still add up. The customer's carts go.
    static func erased(_ erased: CustomerErased, _ context: HandlerContext) async throws {
        let ids = [erased.customerId] + erased.formerIds
        try await context.connection.run("""
            UPDATE orders SET contact = NULL, fulfilment = fulfilment - 'address', payment_reference = 'erased', updated_at = now()
            WHERE customer_id = ANY(\(ids))
            """, logger: context.logger)
        try await context.connection.run("DELETE FROM carts WHERE owner_id = ANY(\(ids))", logger: context.logger)
        try await context.connection.run("""
            UPDATE quotes SET snapshot = snapshot - 'contact' - 'note' WHERE customer_id = ANY(\(ids))
            """, logger: context.logger)
    }

    /// A lead was routed: remember whose it is, so a quote made for it is that person's.
    static func leadRouted(_ lead: LeadRouted, _ context: HandlerContext) async throws {
        try await context.connection.run("""
            INSERT INTO lead_customers (lead_id, customer_id) VALUES (\(lead.leadId), \(lead.customerId))
            ON CONFLICT (lead_id) DO UPDATE SET customer_id = excluded.customer_id
            """, logger: context.logger)
    }
}
