import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// A minimal Omni service for the process-level delivery tests: it runs the same runtime
/// as the five services (migrations, outbox relay, consumer loop, HTTP) and records every
/// probe ping it handles, so a test can kill it with `kill -9` (or a fault point) at any
/// moment and count what was handled, by which process, how often.
///
/// Environment, besides the runtime's: `OMNI_SERVICE_NAME` (schema, role and group
/// default to it), `OMNI_PROBE_CONSUME=0` to run only the relay (a pure sender).
enum Probe {
    /// Tools only: a test's own dev broker creates it (`omni-dev-broker --topic omni.probe`).
    static let topic = "omni.probe"
    static let pingType = "omni.probe.Ping.v1"

    struct Ping: Codable, Sendable {
        var run: String
        var n: Int
    }

    static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) -> ServiceDefinition {
        let consumes = environment["OMNI_PROBE_CONSUME"] != "0"
        var handlers = EventHandlers()
        handlers.on(pingType) { event, context in
            let ping = try event.decode(Ping.self)
            try await context.connection.query("""
                INSERT INTO received (message_id, run, n, message_key, partition_id, handled_by, sent_at)
                VALUES (\(event.id), \(ping.run), \(ping.n), \(context.message.keyString), \(Int(context.message.partition)), \(Int(getpid())), \(event.time))
                """, logger: context.logger)
        }
        return ServiceDefinition(
            name: environment["OMNI_SERVICE_NAME"] ?? "probe",
            migrations: [MigrationSet(component: "probe", migrations: [
                Migration(version: 1, name: "received", sql: """
                    CREATE TABLE received (
                        message_id   uuid NOT NULL,
                        run          text NOT NULL,
                        n            int NOT NULL,
                        message_key  text,
                        partition_id int NOT NULL,
                        handled_by   int NOT NULL,
                        handled_at   timestamptz NOT NULL DEFAULT clock_timestamp()
                    );
                    CREATE INDEX received_run ON received (run, n);
                    """),
                // The ping's `ce_time` (milliseconds): the outbox forgets a row once it is published.
                Migration(version: 2, name: "received-sent-at", sql: "ALTER TABLE received ADD COLUMN sent_at timestamptz"),
            ])],
            subscriptions: consumes ? [topic] : [],
            handlers: handlers
        )
    }
}
