import BenchFigures
import Foundation
import PostgresNIO

/// What Postgres did during a phase, from its own counters: transactions committed, rows
/// inserted, updated and deleted, WAL written, and statements run when pg_stat_statements
/// is loaded (`scripts/omni bench` loads it). Read per order, it says what Postgres' share
/// of the CPU buys. The counters of busy backends reach `pg_stat_database` up to a second
/// late, a few percent of a phase.
struct PostgresActivity {
    var commits: Double
    var inserted: Double
    var updated: Double
    var deleted: Double
    var walBytes: Double
    var statements: Double?
    /// Messages the services published: the sum of every outbox's sequence (a row each).
    var published: Double

    static func read(_ target: PostgresTarget) async throws -> PostgresActivity {
        try await withClient(target.client(connections: 1)) { client in
            let counters = try await client.query("""
                SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8
                FROM pg_stat_database WHERE datname = current_database()
                """).decode((Int64, Int64, Int64, Int64, Double).self).first { _ in true }
            guard let (commits, inserted, updated, deleted, wal) = counters else { throw BenchError("no pg_stat_database row") }
            var statements: Double?
            if try await statementsLoaded(client) {
                statements = try await client.query("""
                    SELECT COALESCE(sum(calls), 0)::float8 FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """).decode(Double.self).first { _ in true }
            }
            let published = try await client.query("""
                SELECT COALESCE(sum(last_value), 0)::float8 FROM pg_sequences WHERE sequencename = 'outbox_sequence_seq'
                """).decode(Double.self).first { _ in true } ?? 0
            return PostgresActivity(commits: Double(commits), inserted: Double(inserted), updated: Double(updated), deleted: Double(deleted),
                                    walBytes: wal, statements: statements, published: published)
        }
    }

    /// The same, as metrics per order. `sentByBench`: messages the bench itself sent per order
    /// (its `PlaceOrder`), which no outbox counts.
    static func metrics(from start: PostgresActivity, to end: PostgresActivity, orders: Int, sentByBench: Double = 1) -> [BenchMetric] {
        let count = Double(max(orders, 1))
        func each(_ value: KeyPath<PostgresActivity, Double>) -> Double { (end[keyPath: value] - start[keyPath: value]) / count }
        var metrics = [BenchMetric("messages per order", each(\.published) + sentByBench, unit: "messages", atMost: 7)]
        if let before = start.statements, let after = end.statements {
            metrics.append(BenchMetric("SQL statements per order", (after - before) / count, unit: "statements", atMost: 20))
        }
        metrics += [
            BenchMetric("transactions per order", each(\.commits), unit: "commits"),
            BenchMetric("rows inserted per order", each(\.inserted), unit: "rows"),
            BenchMetric("rows updated per order", each(\.updated), unit: "rows"),
            BenchMetric("rows deleted per order", each(\.deleted), unit: "rows"),
            BenchMetric("WAL per order", each(\.walBytes) / 1_024, unit: "KB"),
        ]
        return metrics
    }

    /// Messages handled per order by type, from the services' inboxes since `since`
    /// ("OrderConfirmed 3.0, StockReserved 1.0, …"): where an order's messages go.
    static func deliveriesByType(_ target: PostgresTarget, since: Date, orders: Int) async throws -> String {
        try await withClient(target.client(connections: 1)) { client in
            let schemas = try await client.query("""
                SELECT table_schema FROM information_schema.tables WHERE table_name = 'inbox' AND table_schema LIKE 'bench\\_%'
                """).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            guard !schemas.isEmpty else { return "" }
            let union = schemas.map { "SELECT type FROM \($0).inbox WHERE received_at >= $1" }.joined(separator: " UNION ALL ")
            var query = PostgresQuery(unsafeSQL: "SELECT type, count(*)::float8 FROM (\(union)) t GROUP BY type ORDER BY 2 DESC")
            query.binds.append(since)
            let rows = try await client.query(query).decode((String, Double).self).reduce(into: [(String, Double)]()) { $0.append($1) }
            let count = Double(max(orders, 1))
            let total = rows.reduce(0) { $0 + $1.1 } / count
            let list = rows.map { String(format: "%@ %.2f", String($0.0.split(separator: ".").dropLast().last ?? Substring($0.0)), $0.1 / count) }
            return String(format: "%.1f deliveries per order: ", total) + list.joined(separator: ", ")
        }
    }

    /// Whether pg_stat_statements is loaded (`scripts/omni bench` loads it; a plain cluster has not).
    private static func statementsLoaded(_ client: PostgresClient) async throws -> Bool {
        try await client.query("SELECT to_regclass('pg_stat_statements') IS NOT NULL").decode(Bool.self).first { _ in true } ?? false
    }

    /// Starts pg_stat_statements' counts afresh (when it is loaded), so `topStatements`
    /// reads one phase.
    static func resetStatements(_ target: PostgresTarget) async throws {
        try await withClient(target.client(connections: 1)) { client in
            if try await statementsLoaded(client) {
                _ = try await client.query("SELECT pg_stat_statements_reset()").collect()
            }
        }
    }

    /// The statements run most per order since the reset, with their calls per order:
    /// where the statements an order costs come from.
    static func topStatements(_ target: PostgresTarget, orders: Int, limit: Int = 30) async throws -> [String] {
        try await withClient(target.client(connections: 1)) { client in
            guard try await statementsLoaded(client) else { return [] }
            var query = PostgresQuery(unsafeSQL: """
                SELECT calls::float8, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC LIMIT $1
                """)
            query.binds.append(limit)
            let count = Double(max(orders, 1))
            return try await client.query(query).decode((Double, String).self).reduce(into: [String]()) { lines, row in
                lines.append(String(format: "%5.2f  %@", row.0 / count, String(row.1.prefix(110))))
            }
        }
    }

    /// "Postgres per order at the maximum: 2.7 commits, 26 statements, rows 14 inserted, …".
    static func perOrder(from start: PostgresActivity, to end: PostgresActivity, orders: Int, phase: String) -> String {
        let count = Double(max(orders, 1))
        func each(_ value: KeyPath<PostgresActivity, Double>) -> Double { (end[keyPath: value] - start[keyPath: value]) / count }
        var text = String(format: "%@: Postgres per order %.1f transactions committed", phase, each(\.commits))
        if let before = start.statements, let after = end.statements {
            text += String(format: ", %.1f statements (pg_stat_statements, BEGIN and COMMIT included)", (after - before) / count)
        }
        text += String(format: ", rows %.1f inserted, %.1f updated, %.1f deleted, %.1f KB of WAL",
                       each(\.inserted), each(\.updated), each(\.deleted), each(\.walBytes) / 1_024)
        return text
    }
}
