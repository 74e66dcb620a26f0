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

    static func read(_ target: PostgresTarget) async throws -> PostgresActivity {
        try await withClient(target.client(connections: 1)) { client in
            let counters = try await client.query("""
                SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8
                FROM pg_stat_database WHERE datname = current_database()
                """).decode((Int64, Int64, Int64, Int64, Double).self).first { _ in true }
            guard let (commits, inserted, updated, deleted, wal) = counters else { throw BenchError("no pg_stat_database row") }
            var statements: Double?
            let loaded = try await client.query("SELECT to_regclass('pg_stat_statements') IS NOT NULL").decode(Bool.self).first { _ in true } ?? false
            if loaded {
                statements = try await client.query("""
                    SELECT COALESCE(sum(calls), 0)::float8 FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """).decode(Double.self).first { _ in true }
            }
            return PostgresActivity(commits: Double(commits), inserted: Double(inserted), updated: Double(updated), deleted: Double(deleted),
                                    walBytes: wal, statements: statements)
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
