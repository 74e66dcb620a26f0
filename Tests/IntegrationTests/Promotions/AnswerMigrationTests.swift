import Foundation
import OmniPersistence
import PostgresNIO
import PromotionsContracts
import PromotionsCore
import Testing

@Suite("Promotions: answers stored by an earlier version (real Postgres)")
struct AnswerMigrationTests {
    @Test("0004 rewrites the answers kept in Swift's enum shape as the events they were sent as, so a retry still answers the same")
    func answersKeptBefore0004() async throws {
        let name = TestStack.unique("promo_answers")
        try await TestStack.createServiceSchema(name)
        let promotions = try #require(try PromotionsService.definition().migrations.first)
        let upTo3 = MigrationSet(component: promotions.component, migrations: promotions.migrations.filter { $0.version < 4 })
        let upTo4 = MigrationSet(component: promotions.component, migrations: promotions.migrations.filter { $0.version <= 4 })
        let rows = try await TestStack.withDatabase(name) { db in
            _ = try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing(), upTo3])
            _ = try await db.query("""
                INSERT INTO applications (order_id, status, customer_id, channel, answer) VALUES
                  ('ord-applied', 'committed', 'c-1', 'web', '{"applied": {"_0": {"orderId": "ord-applied", "pricing": {"totalMinor": 900}}}}'),
                  ('ord-rejected', 'rejected', 'c-1', 'pos', '{"rejected": {"_0": {"orderId": "ord-rejected", "rejections": [], "message": "no"}}}'),
                  ('ord-released', 'released', NULL, NULL, NULL)
                """)
            let applied = try await Migrator.migrate(db, sets: [try MigrationSet.deliveryPlumbing(), upTo4])
            #expect(applied == ["promotions/4"])
            return try await db.query("SELECT order_id, answer->>'type', answer->'data'->>'orderId' FROM applications ORDER BY order_id")
                .decode((String, String?, String?).self)
        }
        #expect(rows.map(\.0) == ["ord-applied", "ord-rejected", "ord-released"])
        #expect(rows[0].1 == PromotionsType.promotionsApplied && rows[0].2 == "ord-applied")
        #expect(rows[1].1 == PromotionsType.promotionsRejected && rows[1].2 == "ord-rejected")
        #expect(rows[2].1 == nil, "no answer stays none")
    }
}
