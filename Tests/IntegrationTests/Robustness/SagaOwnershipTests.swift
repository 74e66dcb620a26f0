import CatalogContracts
import Foundation
import OmniMessaging
import PromotionsContracts
import Testing

/// The saga's own steps come from orders only, and what they hold does not last for ever.
@Suite("Saga steps: only their owner sends them; a promotion hold nobody commits expires (real processes)")
struct SagaOwnershipTests {
    @Test("a ReleaseReservation published straight on catalog.commands by a channel is refused (not-saga-owner) and the reservation stays held")
    func forgedRelease() async throws {
        let stack = try await ServiceStack(.catalog)
        defer { Task { await stack.stop() } }
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 3, f.warehouse: 20])
        let reservation = "res-\(UUID().uuidString.lowercased())"
        // Sent as orders sends it (the stack stands in for orders: `ce_source` /services/orders).
        let reserve = ReserveStock(reservationId: reservation, orderId: "ord-own-1", channel: "web", lines: [.init(sku: f.sku, quantity: 2)],
                                   fulfilment: .pickup(at: f.store), holdSeconds: 3600)
        #expect(try await stack.performReservation(CatalogType.reserveStock, reserve, key: reserve.orderId).type == CatalogType.stockReserved)

        // Whoever reaches the broker tries to free the stock: as the web channel, then as a till.
        for source in ["/channels/web", "/channels/pos/\(f.store)"] {
            let forged = try await stack.send(CatalogType.releaseReservation, ReleaseReservation(reservationId: reservation, reason: "forged"),
                                              key: reserve.orderId, source: source)
            let refusal = try await stack.watcher.outcome(of: forged.id)
            #expect(refusal.type == CatalogType.commandRejected)
            #expect(try refusal.payload(CommandRejected.self).reasonCode == "not-saga-owner", "\(source)")
        }
        let forgedReserve = try await stack.send(CatalogType.reserveStock, ReserveStock(
            reservationId: "res-forged", orderId: "ord-forged", channel: "web", lines: [.init(sku: f.sku, quantity: 1)], fulfilment: .pickup(at: f.store),
            holdSeconds: 3600), key: "ord-forged", source: "/channels/web")
        #expect(try await stack.watcher.outcome(of: forgedReserve.id).payload(CommandRejected.self).reasonCode == "not-saga-owner")

        struct Reservation: Decodable { var status: String }
        #expect(try await stack.getJSON("/reservations/\(reservation)", as: Reservation.self).status == "held")
        let (status, _) = try await stack.http.get("/reservations/res-forged")
        #expect(status == 404, "the forged reservation was never made")
    }

    @Test("ApplyPromotions from a channel is refused; a hold the saga never commits is released after OMNI_PROMOTIONS_HOLD_SECONDS and its use given back")
    func promotionHoldExpires() async throws {
        let stack = try await ServiceStack(.promotions, environment: ["OMNI_PROMOTIONS_HOLD_SECONDS": "2"])
        defer { Task { await stack.stop() } }
        let tag = UUID().uuidString.prefix(6).lowercased()
        let once = Promotion(promotionId: "once-\(tag)", name: "Once", kind: .amountOff, amountMinor: 500, code: "ONCE\(tag.uppercased())", usageLimit: 1)
        #expect(try await stack.perform(PromotionsType.upsertPromotion, once, key: once.promotionId).type == PromotionsType.promotionUpserted)
        func apply(_ orderId: String, source: String? = nil) async throws -> CloudEvent {
            let command = ApplyPromotions(orderId: orderId, basket: Basket(channel: "web", customerId: nil, currency: "EUR",
                                                                           lines: [BasketLine(lineId: "1", sku: "SHOE-1", category: "shoes", quantity: 1, unitPriceMinor: 8_000)]),
                                          codes: [once.code ?? ""])
            let sent = try await stack.send(PromotionsType.applyPromotions, command, key: orderId, source: source)
            return try await stack.watcher.outcome(of: sent.id)
        }

        let forged = try await apply("ord-forged-\(tag)", source: "/channels/web")
        #expect(try forged.payload(CommandRejected.self).reasonCode == "not-saga-owner")

        // An order's saga holds the code's one use, then is never heard of again.
        let held = try await apply("ord-lost-\(tag)")
        #expect(held.type == PromotionsType.promotionsApplied)
        #expect(try await apply("ord-next-\(tag)").type == PromotionsType.promotionsRejected, "the one use is held")
        let expired = try await stack.watcher.first(PromotionsType.redemptionsReleased, timeout: .seconds(20)) {
            try $0.payload(RedemptionsReleased.self).orderId == "ord-lost-\(tag)"
        }
        let released = try expired.payload(RedemptionsReleased.self)
        #expect(released.reason == "hold-expired" && released.redemptions == 1)
        #expect(expired.causationID == held.causationID && expired.correlationID == held.correlationID && expired.causationID != nil,
                "released by the timer, caused by the ApplyPromotions that held it")
        #expect(try await apply("ord-after-\(tag)").type == PromotionsType.promotionsApplied, "the use was given back")
    }
}
