import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Forgets inbox rows older than the retention, so the inbox (one row per message a service
/// handled: a dozen per order) does not grow for ever. The retention must outlast every way
/// a message can come again: a relay that published and died before its commit sends again
/// within seconds, a consumer re-reads from its last committed offset, but a group whose
/// committed offsets expired reads its topics again from the start, as far back as Kafka
/// keeps them (7 days by default for both). Deleted in batches, oldest first, so no
/// transaction holds many rows; replicas may prune at once (a row goes once).
public final class InboxPruner: Service, Sendable {
    public struct Configuration: Sendable {
        /// How long a handled message id is remembered.
        public var retention: Duration = .seconds(14 * 24 * 3_600)
        /// How often the old rows are looked for.
        public var interval: Duration = .seconds(600)
        /// Rows deleted per statement.
        public var batchSize = 5_000
        public init() {}
    }

    private let database: Database
    private let configuration: Configuration
    private let logger: Logger
    private let pruned = Counter(label: "omni_inbox_pruned_total")

    /// Run it once the inbox table exists (the service runner gates it on the migrations).
    public init(database: Database, configuration: Configuration = .init(), logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let count = try await self.prune()
                    if count > 0 { self.logger.info("inbox pruned", metadata: ["rows": "\(count)"]) }
                } catch {
                    self.logger.warning("inbox pruning failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: self.configuration.interval)
            }
        }
    }

    /// Deletes every row past the retention, a batch per statement; how many went.
    @discardableResult
    public func prune() async throws -> Int {
        let seconds = Double(configuration.retention.components.seconds)
        var total = 0
        while !Task.isCancelled {
            // `ctid = ANY(ARRAY(…))`: a TID scan of the rows the BRIN index on `received_at`
            // found, in no particular order (any batch of expired rows will do: sorting them
            // would read every expired row for each batch).
            let count = try await database.query("""
                WITH gone AS (
                    DELETE FROM inbox WHERE ctid = ANY(ARRAY(
                        SELECT ctid FROM inbox WHERE received_at < now() - make_interval(secs => \(seconds))
                        LIMIT \(configuration.batchSize)))
                    RETURNING 1
                )
                SELECT count(*)::int FROM gone
                """).decode(Int.self).first ?? 0
            total += count
            pruned.increment(by: count)
            if count < configuration.batchSize { break }
        }
        return total
    }
}
