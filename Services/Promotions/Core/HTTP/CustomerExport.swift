import Foundation
import Hummingbird
import OmniAuth
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// Promotions' part of a person's data (GDPR access request): the offers and codes they
/// used, by order, and the segments they belong to.
struct PromotionsCustomerExport: Codable, Sendable {
    struct Redemption: Codable, Sendable {
        var orderId: String
        var promotionId: String
        var code: String?
        var channel: String
        var status: String
        var discountMinor: Int64
        var at: Date
    }
    struct Membership: Codable, Sendable {
        var segmentId: String
        var since: Date
    }
    /// Which service's part this is.
    var service: String
    var customerId: String
    var exportedAt: Date
    var redemptions: [Redemption]
    var segments: [Membership]

    static func add(to router: Router<OmniRequestContext>, database: Database) {
        router.get("/customers/:id/export", requires: .customersExport) { _, context in
            let id = try context.parameters.require("id")
            let logger = database.logger
            let export = try await database.withConnection { connection in
                var redemptions: [Redemption] = []
                for try await (order, promotion, code, channel, status, discount, at) in try await connection.run("""
                    SELECT order_id, promotion_id, code, channel, status, discount_minor, created_at FROM redemptions
                    WHERE customer_id = \(id) ORDER BY created_at, promotion_id
                    """, logger: logger).decode((String, String, String?, String, String, Int64, Date).self) {
                    redemptions.append(Redemption(orderId: order, promotionId: promotion, code: code, channel: channel, status: status, discountMinor: discount, at: at))
                }
                var segments: [Membership] = []
                for try await (segment, since) in try await connection.run("""
                    SELECT segment_id, since FROM segment_members WHERE customer_id = \(id) ORDER BY segment_id
                    """, logger: logger).decode((String, Date).self) {
                    segments.append(Membership(segmentId: segment, since: since))
                }
                return PromotionsCustomerExport(service: "promotions", customerId: id, exportedAt: Date(), redemptions: redemptions, segments: segments)
            }
            try await context.recordPersonalDataAccess(customer: id, action: "export")
            return Response.json(export)
        }
    }
}
