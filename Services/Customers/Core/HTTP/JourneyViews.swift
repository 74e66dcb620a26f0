import CustomersContracts
import Foundation
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// Journey analytics (J11), for one customer and for the whole shop: where people enter,
/// what they touch before buying, where they buy, carts they leave, click & collect share,
/// leads converted by source.
struct JourneyViews {
    let database: Database

    /// Timeline kinds that are the purchase's consequences, not touchpoints before it.
    static let notTouchpoints = ["order", "loyalty"]

    struct Touchpoint: Codable, Sendable {
        var channel: String?
        var kind: String
        var at: Date
    }

    struct CustomerJourney: Codable, Sendable {
        var customerId: String
        var entryChannel: String?
        var touchpointsBeforeFirstPurchase: [Touchpoint]
        var firstPurchaseChannel: String?
        var purchasesByChannel: [String: Int]
        var abandonedCarts: Int
        var clickAndCollectShare: Double
    }

    struct ShopJourneys: Codable, Sendable {
        var customers: Int
        var entryChannels: [String: Int]
        var purchasesByChannel: [String: Int]
        var averageTouchpointsBeforeFirstPurchase: Double
        var abandonedCarts: Int
        var clickAndCollectShare: Double
        var leadConversionBySource: [String: JourneyFigures.Conversion]
    }

    func customer(_ reference: CustomerReference) async throws -> CustomerJourney {
        try await database.withConnection { connection in
            let logger = database.logger
            // Unknown → 404, erased → 410, as every customer route answers.
            let id = try await CustomerViews(database: database).resolve(reference, on: connection)
            let entry = try await connection.run("SELECT entry_channel FROM customers WHERE customer_id = \(id)", logger: logger)
                .decode(String?.self).first { _ in true } ?? nil
            let first = try await connection.run("""
                SELECT channel, occurred_at FROM purchases WHERE customer_id = \(id) AND amount_minor > 0 ORDER BY occurred_at LIMIT 1
                """, logger: logger).decode((String, Date).self).first { _ in true }
            var touchpoints: [Touchpoint] = []
            let rows = try await connection.run("""
                SELECT channel, kind, occurred_at FROM timeline WHERE customer_id = \(id) AND kind <> ALL(\(Self.notTouchpoints))
                AND occurred_at < \(first?.1 ?? Date.distantFuture) ORDER BY occurred_at, entry_id LIMIT 200
                """, logger: logger)
            for try await (channel, kind, at) in rows.decode((String?, String, Date).self) { touchpoints.append(Touchpoint(channel: channel, kind: kind, at: at)) }
            var byChannel: [String: Int] = [:]
            var pickups = 0, purchases = 0
            for try await (channel, fulfilment) in try await connection.run("""
                SELECT channel, fulfilment FROM purchases WHERE customer_id = \(id) AND amount_minor > 0
                """, logger: logger).decode((String, String?).self) {
                byChannel[channel, default: 0] += 1
                purchases += 1
                if fulfilment == "pickup" { pickups += 1 }
            }
            let abandoned = try await connection.run("SELECT count(*)::int FROM abandoned_carts WHERE customer_id = \(id)", logger: logger)
                .decode(Int.self).first { _ in true } ?? 0
            return CustomerJourney(customerId: id.uuidString.lowercased(), entryChannel: entry, touchpointsBeforeFirstPurchase: touchpoints,
                                   firstPurchaseChannel: first?.0, purchasesByChannel: byChannel, abandonedCarts: abandoned,
                                   clickAndCollectShare: JourneyFigures.share(pickups, of: purchases))
        }
    }

    func shop() async throws -> ShopJourneys {
        try await database.withConnection { connection in
            let logger = database.logger
            var entries: [String: Int] = [:], customers = 0
            for try await (channel, count) in try await connection.run("""
                SELECT COALESCE(entry_channel, 'unknown'), count(*)::int FROM customers WHERE status = 'active' GROUP BY 1
                """, logger: logger).decode((String, Int).self) {
                entries[channel] = count
                customers += count
            }
            var byChannel: [String: Int] = [:]
            for try await (channel, count) in try await connection.run("""
                SELECT channel, count(*)::int FROM purchases WHERE amount_minor > 0 GROUP BY 1
                """, logger: logger).decode((String, Int).self) { byChannel[channel] = count }
            let (pickups, purchases) = try await connection.run("""
                SELECT count(*) FILTER (WHERE fulfilment = 'pickup')::int, count(*)::int FROM purchases WHERE amount_minor > 0
                """, logger: logger).decode((Int, Int).self).first { _ in true } ?? (0, 0)
            let touchpoints = try await connection.run("""
                SELECT COALESCE(avg(n), 0)::float8 FROM (
                    SELECT (SELECT count(*) FROM timeline t WHERE t.customer_id = f.customer_id AND t.kind <> ALL(\(Self.notTouchpoints))
                            AND t.occurred_at < f.first_at) AS n
                    FROM (SELECT customer_id, min(occurred_at) AS first_at FROM purchases WHERE amount_minor > 0 GROUP BY customer_id) f) per_buyer
                """, logger: logger).decode(Double.self).first { _ in true } ?? 0
            let abandoned = try await connection.run("SELECT count(*)::int FROM abandoned_carts", logger: logger).decode(Int.self).first { _ in true } ?? 0
            var conversion: [String: JourneyFigures.Conversion] = [:]
            for try await (source, leads, converted) in try await connection.run("""
                SELECT source_channel, count(*)::int, count(*) FILTER (WHERE status = 'converted')::int FROM leads GROUP BY 1
                """, logger: logger).decode((String, Int, Int).self) { conversion[source] = JourneyFigures.Conversion(leads: leads, converted: converted) }
            return ShopJourneys(customers: customers, entryChannels: entries, purchasesByChannel: byChannel,
                                averageTouchpointsBeforeFirstPurchase: (touchpoints * 100).rounded() / 100, abandonedCarts: abandoned,
                                clickAndCollectShare: JourneyFigures.share(pickups, of: purchases), leadConversionBySource: conversion)
        }
    }
}
