import CatalogContracts
import Foundation
@testable import OmniKafka
import OmniMessaging
import OmniPersistence
import OmniRuntime
import OrdersContracts
import OrdersCore
import PostgresNIO
import PromotionsContracts
import Testing

/// Orders handles a run of the saga's answers together (one statement locks the orders, one
/// writes them back): the orders, their history and what they send must be exactly what the
/// same answers give one at a time.
@Suite("Orders: a run of saga answers handled together (real Postgres)")
struct SagaAnswerRunTests {
    /// Four orders: delivered, collected, a till sale (sold as reserved: confirmed then
    /// completed in the same step), and one whose `StockReserved` names another reservation.
    static let kinds: [(mode: String, sold: Bool, sameReservation: Bool)] = [
        ("delivery", false, true), ("pickup", false, true), ("in-store", true, true), ("delivery", false, false),
    ]

    @Test("the same orders, history and events as the same answers one at a time; a repeated answer in the run changes nothing more")
    func runEqualsOneByOne() async throws {
        let name = TestStack.unique("orders_runs")
        try await TestStack.createServiceSchema(name)
        let handlers = try OrdersService.definition(environment: [:]).handlers
        let reserved = try #require(handlers.batchByType[CatalogType.stockReserved])
        let applied = try #require(handlers.batchByType[PromotionsType.promotionsApplied])
        try await TestStack.withDatabase(name) { db in
            _ = try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing()] + OrdersService.definition(environment: [:]).migrations)
            for prefix in ["run", "one"] { try await Self.insertOrders(prefix, into: db) }

            // Together: all the StockReserved in one call, then all the PromotionsApplied (one twice).
            let runReserved = try Self.kinds.indices.map { try Self.stockReserved("run", $0) }
            let runApplied = try Self.kinds.indices.map { try Self.promotionsApplied("run", $0) }
            try await Self.handle(runReserved, with: reserved, in: db)
            try await Self.handle(runApplied + [runApplied[1]], with: applied, in: db)
            // One at a time, each in its own transaction (the plain path: a statement per step).
            for index in Self.kinds.indices { try await Self.handle([try Self.stockReserved("one", index)], with: reserved, in: db) }
            for index in Self.kinds.indices { try await Self.handle([try Self.promotionsApplied("one", index)], with: applied, in: db) }

            let run = try await Self.state("run", in: db), one = try await Self.state("one", in: db)
            #expect(run == one)
            #expect(run.count == Self.kinds.count)
            #expect(run[0].hasPrefix("confirmed|done|[placed, confirmed]|900|100|") && run[0].contains(#""discountMinor": 100"#), "\(run[0])")
            #expect(run[2].hasPrefix("completed|done|[placed, confirmed, completed]|900|100|"), "\(run[2])")
            #expect(run[3].hasPrefix("placed|applying-promotions") == false && run[3].hasPrefix("placed|"), "another reservation's answer is not this order's: \(run[3])")
            let confirmed = try await db.query("SELECT count(*)::int FROM outbox WHERE type = \(OrdersType.orderConfirmed) AND message_key LIKE 'run-%'")
                .decode(Int.self).first { _ in true }
            #expect(confirmed == 3, "one confirmation per confirmed order, none for the repeated answer")
        }
    }

    private static func insertOrders(_ prefix: String, into db: Database) async throws {
        for (index, kind) in kinds.enumerated() {
            let line = OrderLine(lineId: "l1", sku: "sku-1", name: "Shoe", category: "shoes", quantity: 1, unitPriceMinor: 1_000)
            let lines = String(decoding: try JSONCoding.encoder.encode([line]), as: UTF8.self)
            let fulfilment = String(decoding: try JSONCoding.encoder.encode(OrderFulfilment(mode: .init(rawValue: kind.mode)!, storeId: "store-1")),
                                    as: UTF8.self)
            _ = try await db.query("""
                INSERT INTO orders (order_id, status, saga_step, saga_deadline, channel, store_id, currency, lines, fulfilment, payment_reference,
                                    subtotal_minor, total_minor, reservation_id)
                VALUES (\("\(prefix)-\(index)"), 'placed', 'reserving-and-applying', now() + interval '30 seconds', 'web', 'store-1', 'EUR',
                        \(lines)::jsonb, \(fulfilment)::jsonb, 'psp', 1000, 1000, \("res-\(prefix)-\(index)"))
                """)
            _ = try await db.query("INSERT INTO order_history (order_id, status) VALUES (\("\(prefix)-\(index)"), 'placed')")
        }
    }

    private static func stockReserved(_ prefix: String, _ index: Int) throws -> CloudEvent {
        let kind = kinds[index]
        let answer = StockReserved(reservationId: kind.sameReservation ? "res-\(prefix)-\(index)" : "res-other", orderId: "\(prefix)-\(index)", channel: "web",
                                   fulfilment: Fulfilment(mode: .init(rawValue: kind.mode)!, storeId: "store-1"),
                                   allocations: [Allocation(sku: "sku-1", locationId: "store-1", quantity: 1)], expiresAt: Date().addingTimeInterval(3_600),
                                   sold: kind.sold ? true : nil)
        return try CloudEvent(type: CatalogType.stockReserved, source: "/services/catalog", subject: answer.orderId, payload: answer)
    }

    private static func promotionsApplied(_ prefix: String, _ index: Int) throws -> CloudEvent {
        let pricing = Pricing(currency: "EUR", subtotalMinor: 1_000, shippingMinor: 0,
                              lines: [LineDiscount(lineId: "l1", sku: "sku-1", discountMinor: 100, promotionIds: ["ten"])],
                              shippingDiscountMinor: 0, totalDiscountMinor: 100, totalMinor: 900,
                              applied: [AppliedPromotion(promotionId: "ten", name: "10 %", code: nil, discountMinor: 100, explanation: "10 % off")],
                              notApplied: [])
        let answer = PromotionsApplied(orderId: "\(prefix)-\(index)", pricing: pricing)
        return try CloudEvent(type: PromotionsType.promotionsApplied, source: "/services/promotions", subject: answer.orderId, payload: answer)
    }

    private static func handle(_ events: [CloudEvent], with handler: @escaping BatchEventHandler, in db: Database) async throws {
        let message = ConsumedMessage(topicPartition: TopicPartition(topic: "catalog.events", partition: 0), offset: 0, key: nil, value: [], headers: [],
                                      timestampMilliseconds: 0)
        try await db.withTransaction { connection in
            try await handler(events, HandlerContext(connection: connection, message: message, logger: TestStack.logger, sharesTransaction: events.count > 1))
        }
    }

    /// Each order of `prefix` as one line: status, step, history, amounts, JSON columns, deadline and what it sent.
    private static func state(_ prefix: String, in db: Database) async throws -> [String] {
        let rows = try await db.query("""
            SELECT o.status, o.saga_step,
                   (SELECT string_agg(h.status, ', ' ORDER BY h.seq) FROM order_history h WHERE h.order_id = o.order_id),
                   o.total_minor, o.discount_minor, o.lines::text, o.promotions::text, o.stock_sold, o.saga_deadline IS NULL,
                   o.promotions_command_id IS NULL,
                   (SELECT string_agg(x.type, ', ' ORDER BY x.sequence) FROM outbox x WHERE x.message_key = o.order_id)
            FROM orders o WHERE o.order_id LIKE \(prefix + "-%") ORDER BY o.order_id
            """).decode((String, String, String, Int64, Int64, String, String?, Bool, Bool, Bool, String?).self)
        return rows.map { "\($0.0)|\($0.1)|[\($0.2)]|\($0.3)|\($0.4)|\($0.5)|\($0.6 ?? "-")|\($0.7)|\($0.8)|\($0.9)|\($0.10 ?? "-")" }
    }
}
