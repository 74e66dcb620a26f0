import Foundation
import OmniChannel
import Logging
import OmniKafka
import OmniMessaging
import CatalogContracts
import OrdersContracts
import PostgresNIO

/// The invariants a chaos run must leave intact, read from what each service holds (its
/// own schema, as an auditor with the Postgres superuser would) and from the broker.
struct ChaosCheck {
    struct Row {
        var invariant: String
        var found: String
        var holds: Bool
    }

    let bench: OrdersBench
    let bootstrap: String
    /// The auditor's connection (the Postgres superuser), started by the caller, shared by every query.
    let postgres: PostgresClient
    let run: Substring
    let correlations: [String]
    /// The `ReturnItems` and `RecordPosSale` commands the load sent.
    let returns: [UUID]
    let sales: [UUID]

    private var prefix: String { "bench-\(run)-%" }
    private func schema(_ service: String) -> String { bench.services.first { $0.name == service }!.schema }
    /// SQL: the rows of `table` in every service the bench started, added up.
    private func countInEveryService(_ table: String) -> String {
        bench.services.map { "(SELECT count(*) FROM \($0.schema).\(table))" }.joined(separator: " + ")
    }

    /// Waits until every order has its outcome and nothing is left to publish or send for
    /// three seconds in a row (or the time is up: what is missing then shows in the table).
    func settle(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, correlations.contains(where: { bench.channel.outcome(correlation: $0, types: OrdersBench.outcomes) == nil }) {
            try await Task.sleep(for: .milliseconds(500))
        }
        var quiet = 0
        while ContinuousClock.now < deadline, quiet < 3 {
            // Every outbox of the services the bench started, then the work still in flight.
            let busy = try await scalar("""
                SELECT \(countInEveryService("outbox"))
                     + (SELECT count(*) FROM \(schema("notifications")).messages WHERE status = 'sending'
                          OR (status = 'pending' AND next_attempt_at <= now()))
                     + (SELECT count(*) FROM \(schema("orders")).orders WHERE order_id LIKE '\(prefix)' AND status = 'placed')
                """)
            quiet = busy == 0 ? quiet + 1 : 0
            try await Task.sleep(for: .seconds(1))
        }
    }

    func rows(crashes: [String]) async throws -> [Row] {
        let orders = schema("orders"), catalog = schema("catalog"), promotions = schema("promotions"), notifications = schema("notifications")
        var rows: [Row] = []
        let kills = Dictionary(grouping: crashes, by: { $0 }).map { "\($0.value.count)× \($0.key)" }.sorted()
        rows.append(Row(invariant: "chaos happened", found: kills.isEmpty ? "nothing was broken" : kills.joined(separator: "; "), holds: !kills.isEmpty))

        // Orders: every order placed reached orders and ended in one consistent state.
        let stored = try await scalar("SELECT count(*) FROM \(orders).orders WHERE order_id LIKE '\(prefix)'")
        rows.append(Row(invariant: "every order placed is in orders", found: "\(stored) of \(correlations.count)", holds: stored == correlations.count))
        var missing = 0, both = 0
        for correlation in correlations {
            let types = Set(bench.channel.types(correlation: correlation)).intersection(OrdersBench.outcomes)
            if types.isEmpty { missing += 1 }
            if types.count > 1 { both += 1 }
        }
        rows.append(Row(invariant: "every order has exactly one outcome (confirmed or rejected)", found: "\(missing) without, \(both) with both",
                        holds: missing == 0 && both == 0))
        let statuses = try await pairs("SELECT status, count(*) FROM \(orders).orders WHERE order_id LIKE '\(prefix)' GROUP BY status ORDER BY status")
        let inconsistent = try await scalar("""
            SELECT count(*) FROM \(orders).orders WHERE order_id LIKE '\(prefix)' AND (
                status NOT IN ('confirmed', 'completed', 'rejected') OR saga_step <> 'done'
                OR (status = 'completed' AND fulfilment->>'mode' <> 'in-store')
                OR (status = 'confirmed' AND fulfilment->>'mode' = 'in-store')
                OR (status = 'rejected' AND reject_code IS NULL))
            """)
        let reasons = try await pairs("""
            SELECT reject_code, count(*) FROM \(orders).orders WHERE order_id LIKE '\(prefix)' AND status = 'rejected' GROUP BY reject_code ORDER BY reject_code
            """)
        let why = reasons.isEmpty ? "" : " (" + reasons.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + ")"
        rows.append(Row(invariant: "every order in a consistent state (saga done; till sales completed, others confirmed, or rejected with a reason)",
                        found: statuses.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + why + "; \(inconsistent) inconsistent", holds: inconsistent == 0))

        // Stock: the ledger explains every unit, reservations explain every unit held.
        let ledgerGaps = try await scalar("""
            SELECT count(*) FROM \(catalog).stock_levels s
            WHERE s.on_hand <> COALESCE((SELECT sum(quantity) FROM \(catalog).stock_ledger l WHERE l.sku = s.sku AND l.location_id = s.location_id), 0)
            """)
        let movements = try await pairs("SELECT kind, sum(quantity) FROM \(catalog).stock_ledger GROUP BY kind ORDER BY kind")
        rows.append(Row(invariant: "stock conserved: on hand = received − sold + returned (ledger), every sku and location",
                        found: movements.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "; \(ledgerGaps) rows off", holds: ledgerGaps == 0))
        let heldGaps = try await scalar("""
            SELECT count(*) FROM \(catalog).stock_levels s
            WHERE s.reserved <> COALESCE((SELECT sum(a.quantity) FROM \(catalog).reservation_allocations a JOIN \(catalog).reservations r USING (reservation_id)
                                          WHERE r.status = 'held' AND a.sku = s.sku AND a.location_id = s.location_id), 0)
            """)
        rows.append(Row(invariant: "reserved units = units of open reservations, every sku and location", found: "\(heldGaps) rows off", holds: heldGaps == 0))
        let openOrders = try await strings("SELECT order_id FROM \(orders).orders WHERE order_id LIKE '\(prefix)' AND status = 'confirmed'")
        let openReservations = try await strings("SELECT order_id FROM \(catalog).reservations WHERE order_id LIKE '\(prefix)' AND status = 'held'")
        let committedSales = try await strings("SELECT order_id FROM \(catalog).reservations WHERE order_id LIKE '\(prefix)' AND status = 'committed'")
        let completed = try await strings("SELECT order_id FROM \(orders).orders WHERE order_id LIKE '\(prefix)' AND status = 'completed'")
        let extraHeld = openReservations.subtracting(openOrders).count, unheld = openOrders.subtracting(openReservations).count
        rows.append(Row(invariant: "open reservations match open orders; till sales committed once",
                        found: "\(openReservations.count) held for \(openOrders.count) open orders (\(extraHeld) without an order, \(unheld) orders without); \(committedSales.count) committed for \(completed.count) till sales",
                        holds: openReservations == openOrders && committedSales == completed))

        // Returns and till sales: each answered, each moved stock once.
        let returned = bench.channel.count(OrdersType.itemsReturned, causedBy: returns)
        let returnRefused = bench.channel.count(OrdersType.commandRejected, causedBy: returns)
        let restocks = try await pairs("""
            SELECT reference, count(*) FROM \(catalog).stock_ledger WHERE kind = 'return-restock' AND reference LIKE 'ret-\(prefix)' GROUP BY reference
            """)
        let returnedAnswers = try await scalar("SELECT count(*) FROM \(orders).returns WHERE order_id LIKE '\(prefix)'")
        rows.append(Row(invariant: "every return answered; each restocked once, where it came back",
                        found: "\(returns.count) returns: \(returned) refunded, \(returnRefused) refused (\(bench.channel.refusalReasons(of: returns).sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))); \(restocks.count) restocked, \(restocks.filter { $0.1 > 1 }.count) twice; \(returnedAnswers) in orders",
                        holds: returned + returnRefused == returns.count && restocks.count == returnedAnswers && restocks.allSatisfy { $0.1 == 1 }))
        let soldAnswers = bench.channel.count(CatalogType.stockMovementRecorded, causedBy: sales) + bench.channel.count(CatalogType.commandRejected, causedBy: sales)
        let saleRows = try await pairs("""
            SELECT reference, count(*) FROM \(catalog).stock_ledger WHERE kind = 'pos-sale' AND reference LIKE 'sale-\(run)-%' GROUP BY reference
            """)
        rows.append(Row(invariant: "every POS sale answered and in the ledger once",
                        found: "\(sales.count) sales, \(soldAnswers) answered, \(saleRows.count) in the ledger, \(saleRows.filter { $0.1 > 1 }.count) twice",
                        holds: soldAnswers == sales.count && saleRows.count == sales.count && saleRows.allSatisfy { $0.1 == 1 }))

        // Promotions: a confirmed order's redemptions are committed, nobody else's.
        let confirmedWithCode = try await scalar("""
            SELECT count(*) FROM \(orders).orders WHERE order_id LIKE '\(prefix)' AND status IN ('confirmed', 'completed') AND promo_codes ? 'BENCH10'
            """)
        let committedCode = try await scalar("""
            SELECT count(*) FROM \(promotions).redemptions WHERE order_id LIKE '\(prefix)' AND promotion_id = 'bench10' AND status = 'committed'
            """)
        let strayRedemptions = try await scalar("""
            SELECT count(*) FROM \(promotions).redemptions r WHERE r.order_id LIKE '\(prefix)' AND (r.status = 'held'
                OR (r.status = 'committed') <> EXISTS (SELECT 1 FROM \(orders).orders o WHERE o.order_id = r.order_id AND o.status IN ('confirmed', 'completed')))
            """)
        rows.append(Row(invariant: "redemptions match confirmed orders",
                        found: "BENCH10 committed \(committedCode) times for \(confirmedWithCode) confirmed orders with it; \(strayRedemptions) held or on a rejected order",
                        holds: committedCode == confirmedWithCode && strayRedemptions == 0))

        // Notifications: one message per order confirmation that has someone to tell (a
        // walk-in's till sale, nobody named and no contact, asks for none), never two emails
        // of one message.
        let confirmed = try await scalar("""
            SELECT count(*) FROM \(orders).orders WHERE order_id LIKE '\(prefix)' AND status IN ('confirmed', 'completed')
                AND NOT (fulfilment->>'mode' = 'in-store' AND customer_id IS NULL AND contact->>'email' IS NULL AND contact->>'phone' IS NULL)
            """)
        let messages = try await pairs("""
            SELECT status, count(*) FROM \(notifications).messages WHERE dedupe_key LIKE 'order-confirmed/\(prefix)' GROUP BY status ORDER BY status
            """)
        let messageCount = messages.reduce(0) { $0 + $1.1 }
        rows.append(Row(invariant: "one message per order confirmation", found: "\(messageCount) for \(confirmed) confirmed orders with someone to tell: " +
                        messages.map { "\($0.1) \($0.0)" }.joined(separator: ", "), holds: messageCount == confirmed))
        let mails = bench.smtp?.messageIDs() ?? [:]
        let sentIDs = try await strings("SELECT message_id::text FROM \(notifications).messages WHERE status = 'sent' AND medium = 'email'")
        let twice = mails.filter { $0.value > 1 }.count
        let sentButAbsent = sentIDs.filter { mails["<\($0)@omni.local>"] == nil }.count
        rows.append(Row(invariant: "no email delivered twice; every email marked sent was delivered",
                        found: "\(mails.values.reduce(0, +)) emails on the SMTP server, \(twice) twice, \(sentButAbsent) marked sent but absent",
                        holds: twice == 0 && sentButAbsent == 0))

        // The broker: nothing was dead-lettered (the load sends only valid commands).
        let parked = try await deadLetters()
        rows.append(Row(invariant: "nothing in a DLQ", found: parked.isEmpty ? "0" : parked.map { "\($0.value) in \($0.key)" }.sorted().joined(separator: ", "),
                        holds: parked.isEmpty))
        // Nor did any broker refuse an outbox message for good.
        let refused = try await scalar("SELECT " + countInEveryService("outbox_parked"))
        rows.append(Row(invariant: "nothing parked in an outbox", found: "\(refused)", holds: refused == 0))
        return rows
    }

    static func print(_ rows: [Row]) {
        Swift.print("")
        Swift.print("| invariant | found | holds |")
        Swift.print("|---|---|---|")
        for row in rows { Swift.print("| \(row.invariant) | \(row.found) | \(row.holds ? "yes" : "**NO**") |") }
        let broken = rows.filter { !$0.holds }.count
        Swift.print(broken == 0 ? "\nevery invariant holds" : "\n\(broken) invariant(s) violated")
    }

    /// Every record on the `*.dlq` topics, counted per topic.
    private func deadLetters() async throws -> [String: Int] {
        let group = "omni-chaos-dlq-\(UUID().uuidString.prefix(8))"
        var logger = Logger(label: "omni-chaos")
        logger.logLevel = .critical
        var configuration = KafkaConsumerConfiguration(kafka: .init(bootstrapServers: bootstrap, clientID: group), groupID: group,
                                                       topics: Topics.business.map(Topics.deadLetter(of:)))
        configuration.fetchWaitMaxMilliseconds = 5
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try await consumer.waitForAssignment()
        var counts: [String: Int] = [:]
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let batch = await withTaskGroup(of: [ConsumedMessage].self) { group in
                group.addTask { await consumer.nextBatch(max: 1_000) }
                group.addTask { try? await Task.sleep(for: .milliseconds(500)); return [] }
                let first = await group.next() ?? []
                group.cancelAll()
                return first
            }
            for message in batch { counts[message.topic, default: 0] += 1 }
        }
        await consumer.close()
        return counts
    }

    private func scalar(_ sql: String) async throws -> Int {
        try await postgres.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self).first { _ in true }.map(Int.init) ?? 0
    }

    private func strings(_ sql: String) async throws -> Set<String> {
        var values: Set<String> = []
        for try await value in try await postgres.query(PostgresQuery(unsafeSQL: sql)).decode(String.self) { values.insert(value) }
        return values
    }

    private func pairs(_ sql: String) async throws -> [(String, Int)] {
        var values: [(String, Int)] = []
        for try await (key, count) in try await postgres.query(PostgresQuery(unsafeSQL: sql)).decode((String, Int64).self) { values.append((key, Int(count))) }
        return values
    }
}
