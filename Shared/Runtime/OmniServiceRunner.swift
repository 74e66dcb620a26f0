import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import OmniAuth
import OmniKafka
import OmniMessaging
import OmniPersistence
import PostgresNIO
import ServiceLifecycle

/// Starts a service the way every Omni executable does, under one `ServiceGroup`:
/// Postgres client → producer → migrations → outbox relay → consumer → HTTP.
/// SIGTERM stops HTTP first, then consumption (commit, leave the group), then the relay;
/// the producer flushes; Postgres goes last.
public enum OmniServiceRunner {
    /// Entry point for `main.swift`: configuration errors exit with status 2.
    public static func main(_ makeDefinition: @autoclosure () throws -> ServiceDefinition) async {
        runTasksOnEventLoops()
        let definition: ServiceDefinition
        let configuration: OmniConfiguration
        do {
            definition = try makeDefinition()
            configuration = try OmniConfiguration.fromEnvironment(service: definition.name)
        } catch {
            FileHandle.standardError.write(Data("omni: \(error)\n".utf8))
            exit(2)
        }
        do {
            try await run(definition, configuration: configuration)
        } catch {
            FileHandle.standardError.write(Data("\(definition.name) failed: \(String(reflecting: error))\n".utf8))
            exit(1)
        }
    }

    /// Runs Swift concurrency's tasks on NIO's event loop threads instead of a second pool
    /// beside them: a handler awaiting Postgres or the broker then resumes on the thread that
    /// read the reply, without a hop between threads for every statement (measured in
    /// docs/benchmarks.md). `OMNI_TASKS_ON_EVENT_LOOPS=0` keeps the default executor.
    static func runTasksOnEventLoops() {
        guard ProcessInfo.processInfo.environment["OMNI_TASKS_ON_EVENT_LOOPS"] != "0" else { return }
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    public static func run(_ definition: ServiceDefinition, configuration: OmniConfiguration) async throws {
        OmniLogging.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        OmniMetrics.bootstrap()
        let logger = {
            var logger = Logger(label: "omni.\(configuration.serviceName)")
            logger[metadataKey: "instance"] = "\(configuration.instanceID)"
            return logger
        }()

        let database = try Database(configuration: configuration.database, logger: logger)
        var producerConfiguration = KafkaProducerConfiguration(kafka: configuration.kafka)
        producerConfiguration.kafka.clientID += "-producer"
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let resources = ServiceResources(configuration: configuration, database: database, producer: producer, logger: logger)

        let migrations = MigrationService(database: database, sets: [try MigrationSet.deliveryPlumbing()] + definition.migrations, logger: logger)
        let relay = OutboxRelay(database: database, producer: producer, logger: logger, ready: { await migrations.gate.wait() })
        var pruning = InboxPruner.Configuration()
        pruning.retention = .seconds(configuration.inboxRetentionHours * 3_600)
        let pruner = GatedService(InboxPruner(database: database, configuration: pruning, logger: logger), gate: migrations.gate)
        // Until it listens, reference caches keep no copy (every read goes to Postgres).
        let references = GatedService(ReferenceChanges(database: database, logger: logger), gate: migrations.gate)
        let consumer = ConsumerService(definition: definition, resources: resources, gate: migrations.gate)
        let workers = definition.workers(resources).map { GatedService($0, gate: migrations.gate) }

        let basics: [(name: String, check: @Sendable () async -> Bool)] = [
            ("migrations", { await migrations.gate.isOpen }),
            ("database", { await database.isReachable() }),
            ("broker", { await producer.isBrokerReachable() }),
        ]
        let readiness = ReadinessChecks(basics + definition.readinessChecks)
        let verifier = try await TokenVerifier(configuration: .init(
            keysFile: URL(fileURLWithPath: configuration.authKeysFile),
            revokedFile: configuration.authRevokedFile.map { URL(fileURLWithPath: $0) }))
        let accessLog = PIIAccessLog(database: database)
        let router = Router(context: OmniRequestContext.self)
        let served = ServedRoutes()
        router.add(middleware: ProblemDetailsMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(served: served))
        router.add(middleware: AuthenticationMiddleware(verifier: verifier, accessLog: accessLog, selfAuthenticated: definition.selfAuthenticatedPrefixes))
        router.addOperationalRoutes(service: configuration.serviceName, readiness: readiness)
        router.addPersonalDataAccessRoute(service: configuration.serviceName, log: accessLog)
        definition.routes(router, resources)
        served.fill(from: router)
        let portFile = configuration.portFile
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "omni-\(configuration.serviceName)"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("http listening", metadata: ["port": "\(port)"])
                if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            },
            logger: logger
        )

        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: database.client),
                .init(service: producer),
                .init(service: migrations, successTerminationBehavior: .ignore),
                .init(service: relay),
                .init(service: pruner),
                .init(service: references),
                .init(service: consumer),
            ] + workers.map { .init(service: $0) } + [
                .init(service: app),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // SIGTERM always ends the process: a worker stuck retrying (Postgres gone) is
        // cancelled after the grace period instead of keeping it alive.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(15)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info("starting", metadata: ["subscriptions": "\(definition.subscriptions)", "group": "\(configuration.consumerGroup)"])
        try await group.run()
        logger.info("stopped")
    }
}

/// Opens once the schema is migrated; the relay and the consumer wait for it.
public actor StartupGate {
    private var open = false

    public init() {}

    public var isOpen: Bool { open }

    /// Returns when the gate opens, or when the task is cancelled (shutdown before start).
    public func wait() async {
        while !open, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public func openGate() { open = true }
}

/// Migrates the schema at start, retrying while Postgres is not reachable yet.
final class MigrationService: Service, Sendable {
    let gate = StartupGate()
    private let database: Database
    private let sets: [MigrationSet]
    private let logger: Logger

    init(database: Database, sets: [MigrationSet], logger: Logger) {
        self.database = database
        self.sets = sets
        self.logger = logger
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.migrateWithRetries() }
    }

    private func migrateWithRetries() async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let applied = try await Migrator.migrate(database, sets: sets)
                logger.info("schema ready", metadata: ["schema": "\(database.schema)", "applied": "\(applied)"])
                await gate.openGate()
                return
            } catch let error as DatabaseError {
                throw error
            } catch let error as PSQLError where !error.isTransient {
                // A broken migration (syntax, permission): fail loudly instead of retrying.
                logger.critical("migration failed", metadata: ["error": "\(String(reflecting: error))"])
                throw error
            } catch {
                logger.warning("migration attempt failed", metadata: ["attempt": "\(attempt)", "error": "\(String(reflecting: error))"])
                // Stopped before the database came up: a clean exit, not a failure.
                do { try await Task.sleep(for: .milliseconds(min(5_000, 100 * attempt))) } catch { return }
            }
        }
    }
}

/// Starts a service's worker once the schema exists.
final class GatedService: Service, Sendable {
    private let service: any Service
    private let gate: StartupGate

    init(_ service: any Service, gate: StartupGate) {
        self.service = service
        self.gate = gate
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.gate.wait() }
        guard await gate.isOpen, !Task.isShuttingDownGracefully else { return }
        try await service.run()
    }
}

/// Joins the consumer group once the schema exists, then runs the consumer loop.
final class ConsumerService: Service, Sendable {
    private let definition: ServiceDefinition
    private let resources: ServiceResources
    private let gate: StartupGate

    init(definition: ServiceDefinition, resources: ServiceResources, gate: StartupGate) {
        self.definition = definition
        self.resources = resources
        self.gate = gate
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.gate.wait() }
        guard !definition.subscriptions.isEmpty, await gate.isOpen else {
            try? await gracefulShutdown()
            return
        }
        let configuration = resources.configuration
        var consumerConfiguration = KafkaConsumerConfiguration(
            kafka: configuration.kafka, groupID: configuration.consumerGroup, topics: definition.subscriptions)
        consumerConfiguration.kafka.clientID += "-consumer"
        consumerConfiguration.fetchWaitMaxMilliseconds = configuration.fetchWaitMaxMilliseconds
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: resources.logger)
        var loopConfiguration = EventConsumer.Configuration(consumerName: configuration.consumerGroup)
        loopConfiguration.messagesPerTransaction = configuration.messagesPerTransaction
        loopConfiguration.maxAttemptsForUnexpectedErrors = configuration.maxHandlerAttempts
        loopConfiguration.transactionsAtOnce = configuration.transactionsAtOnce ?? definition.consumerTransactionsAtOnce
        loopConfiguration.skipUnhandledTypesOn = Set(definition.subscriptions.filter { $0.hasSuffix(".events") })
        let loop = EventConsumer(
            consumer: consumer, producer: resources.producer, database: resources.database, handlers: definition.handlers,
            configuration: loopConfiguration, logger: resources.logger)
        try await loop.run()
    }
}
