import Hummingbird
import Logging
import OmniKafka
import OmniMessaging
import OmniPersistence
import ServiceLifecycle

/// What makes one Omni service: the migrations of its schema, the topics it reads, its
/// handlers and its HTTP routes. The runtime adds the plumbing every service shares.
public struct ServiceDefinition: Sendable {
    public var name: String
    /// The service's own migrations (the outbox/inbox plumbing is added automatically).
    public var migrations: [MigrationSet]
    /// Topics the service consumes: its own `*.commands` and the `*.events` it needs.
    public var subscriptions: [String]
    public var handlers: EventHandlers
    /// Adds the service's query routes (operational routes are added by the runtime).
    public var routes: @Sendable (Router<OmniRequestContext>, ServiceResources) -> Void
    /// Background work of the service (pollers, timers), started once the schema is migrated.
    public var workers: @Sendable (ServiceResources) -> [any Service]
    /// How many consumer transactions may run at once (nil: one per partition). One where
    /// every message locks the same hot rows: they would only wait for each other in Postgres.
    public var consumerTransactionsAtOnce: Int?
    /// Path prefixes whose routes authenticate callers themselves instead of by a bearer
    /// credential (the edge's staff console: a session cookie).
    public var selfAuthenticatedPrefixes: [String] = []
    /// More of `/health/ready`: what the service must have before it serves (the edge: its
    /// live feed following the events).
    public var readinessChecks: [(name: String, check: @Sendable () async -> Bool)] = []

    public init(
        name: String, migrations: [MigrationSet], subscriptions: [String], handlers: EventHandlers = EventHandlers(),
        routes: @escaping @Sendable (Router<OmniRequestContext>, ServiceResources) -> Void = { _, _ in },
        selfAuthenticatedPrefixes: [String] = [],
        readinessChecks: [(name: String, check: @Sendable () async -> Bool)] = [],
        workers: @escaping @Sendable (ServiceResources) -> [any Service] = { _ in [] },
        consumerTransactionsAtOnce: Int? = nil
    ) {
        self.selfAuthenticatedPrefixes = selfAuthenticatedPrefixes
        self.readinessChecks = readinessChecks
        self.name = name
        self.migrations = migrations
        self.subscriptions = subscriptions
        self.handlers = handlers
        self.routes = routes
        self.workers = workers
        self.consumerTransactionsAtOnce = consumerTransactionsAtOnce
    }
}

/// The shared parts a service's routes and handlers can use.
public struct ServiceResources: Sendable {
    public let configuration: OmniConfiguration
    public let database: Database
    public let producer: KafkaProducer
    public let logger: Logger
}
