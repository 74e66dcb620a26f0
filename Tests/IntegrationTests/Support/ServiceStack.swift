import Foundation
import OmniKafka
import OmniMessaging

/// A test's own stack: a dev broker, a fresh schema and role per service, one or more
/// replicas of each service's real executable, a producer for commands and a watcher on
/// the services' events. Driven only through topics and HTTP, as a channel would.
final class ServiceStack: @unchecked Sendable {
    let broker: DevBrokerProcess
    /// The first service's schema.
    let schema: String
    /// The first service: the default target of `send` and `getJSON`.
    let service: ServiceName
    private(set) var replicas: [ServiceProcess] = []
    private(set) var processes: [ServiceName: [ServiceProcess]] = [:]
    private(set) var schemas: [ServiceName: String] = [:]
    let producer: KafkaProducer
    let watcher: EventWatcher
    private let environment: [String: String]
    private var restarts = 0

    convenience init(_ service: ServiceName, replicas count: Int = 1, environment: [String: String] = [:], postgres: TestPostgres? = nil) async throws {
        try await self.init([service], replicas: count, environment: environment, postgres: postgres)
    }

    /// Several services on one broker (a saga across them): `replicas` of each, on the
    /// shared Postgres cluster unless `postgres` names another.
    init(_ services: [ServiceName], replicas count: Int = 1, environment: [String: String] = [:], postgres: TestPostgres? = nil) async throws {
        service = services[0]
        self.environment = (postgres?.serviceEnvironment ?? [:]).merging(environment) { $1 }
        let environment = self.environment
        broker = try await DevBrokerProcess()
        let schemas = services.map { TestStack.unique($0.rawValue) }
        schema = schemas[0]
        for schema in schemas { try await TestStack.createServiceSchema(schema, on: postgres) }
        producer = try KafkaProducer(configuration: .init(kafka: .init(bootstrapServers: broker.bootstrap, clientID: schema + "-channel")), logger: TestStack.quietLogger)
        watcher = try await EventWatcher(bootstrap: broker.bootstrap, broker: broker.identity, topics: services.map { Topics.events($0) })
        for (service, schema) in zip(services, schemas) {
            self.schemas[service] = schema
            for index in 0..<count {
                let process = try ServiceProcess(service.rawValue, name: "\(schema)-\(index)", schema: schema, bootstrap: broker.bootstrap,
                                                 environment: ["OMNI_CONSUMER_GROUP": "omni-\(schema)", "OMNI_LOG_LEVEL": "notice"].merging(environment) { $1 })
                processes[service, default: []].append(process)
                replicas.append(process)
            }
        }
        for process in replicas { try await process.waitUntilReady() }
        if count > 1 || services.count > 1 { try await waitUntilEveryReplicaOwnsPartitions() }
    }

    func http(_ service: ServiceName) -> ServiceProcess { processes[service]![0] }

    /// The edge (the channels' command door), once `startEdge()` started it.
    private(set) var edge: ServiceProcess?

    /// Starts the edge on this stack's broker with a schema of its own; waits until ready.
    @discardableResult
    func startEdge(environment extra: [String: String] = [:]) async throws -> ServiceProcess {
        let schema = TestStack.unique("edge")
        try await TestStack.createServiceSchema(schema)
        let process = try ServiceProcess("edge", name: "\(schema)-0", schema: schema, bootstrap: broker.bootstrap,
                                         environment: ["OMNI_CONSUMER_GROUP": "omni-\(schema)", "OMNI_LOG_LEVEL": "notice"].merging(environment) { $1 }.merging(extra) { $1 })
        replicas.append(process)
        try await process.waitUntilReady()
        edge = process
        return process
    }

    /// Starts replica `index` of `service` again, as after a crash (stopping it first if it
    /// still runs), with `environment` on top of the stack's; waits until it is ready unless
    /// `waitUntilReady` is false (a fault point may end it before: work left from before).
    func restart(_ service: ServiceName, index: Int = 0, environment extra: [String: String] = [:], waitUntilReady: Bool = true) async throws {
        guard let schema = schemas[service], let old = processes[service]?[index] else { throw ServiceProcess.ProcessFailure(description: "no \(service) in this stack") }
        if old.isRunning { _ = await old.terminate() }
        restarts += 1
        let process = try ServiceProcess(service.rawValue, name: "\(schema)-\(index)-restart\(restarts)", schema: schema, bootstrap: broker.bootstrap,
                                         environment: ["OMNI_CONSUMER_GROUP": "omni-\(schema)", "OMNI_LOG_LEVEL": "notice"].merging(environment) { $1 }.merging(extra) { $1 })
        processes[service]![index] = process
        if let position = replicas.firstIndex(where: { $0 === old }) { replicas[position] = process }
        if waitUntilReady { try await process.waitUntilReady() }
    }

    func process(_ service: ServiceName, index: Int = 0) -> ServiceProcess { processes[service]![index] }

    /// Replicas join the group one after the other: wait for the rebalance to settle.
    func waitUntilEveryReplicaOwnsPartitions(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var owning = 0
            for process in replicas where try await process.metric("omni_consumer_assigned_partitions") > 0 { owning += 1 }
            if owning == replicas.count { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ServiceProcess.ProcessFailure(description: "replicas of \(schema) did not all get partitions within \(timeout)")
    }

    var http: ServiceProcess { http(service) }

    /// Publishes a command as a channel does; returns its envelope.
    @discardableResult
    func send<Payload: Encodable>(_ type: String, _ payload: Payload, key: String, subject: String? = nil, channel: String? = nil,
                                  source: String? = nil, to target: ServiceName? = nil) async throws -> CloudEvent {
        let channel = channel ?? ChannelSource.channel(of: payload)
        let event = try CloudEvent(type: type, source: source ?? ChannelSource.source(of: payload, channel: channel), subject: subject ?? key, payload: payload,
                                   correlationID: UUID().uuidString.lowercased(), channel: channel)
        _ = try await producer.send(event.outgoingMessage(topic: Topics.commands(target ?? ServiceName(rawValue: String(type.split(separator: ".")[1])) ?? service), key: key))
        return event
    }

    /// Publishes an event as `service` would (a service the test stands in for).
    func publishEvent<Payload: Encodable>(_ type: String, _ payload: Payload, of service: ServiceName, key: String) async throws {
        let event = try CloudEvent(type: type, source: "/services/\(service.rawValue)", subject: key, payload: payload, correlationID: UUID().uuidString.lowercased())
        _ = try await producer.send(event.outgoingMessage(topic: Topics.events(service), key: key))
    }

    /// Sends and waits for the first event the command caused (of `expecting`, when given).
    func perform<Payload: Encodable>(_ type: String, _ payload: Payload, key: String, channel: String? = nil,
                                     expecting: Set<String>? = nil, timeout: Duration = .seconds(30)) async throws -> CloudEvent {
        let command = try await send(type, payload, key: key, channel: channel)
        return try await watcher.outcome(of: command.id, types: expecting, timeout: timeout)
    }

    func getJSON<T: Decodable>(_ path: String, as _: T.Type = T.self, from target: ServiceName? = nil) async throws -> T {
        let (status, body) = try await http(target ?? service).get(path)
        guard status == 200 else { throw ServiceProcess.ProcessFailure(description: "GET \(path) → \(status): \(body)") }
        return try JSONCoding.decoder.decode(T.self, from: Data(body.utf8))
    }

    /// GETs `path` from `target` until `done` holds for what it answers (a 200), or
    /// `timeout` passes; returns the last answer either way, for the test to check.
    func poll<T: Decodable>(_ path: String, as _: T.Type = T.self, from target: ServiceName? = nil, timeout: Duration = .seconds(20),
                            until done: (T) -> Bool) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var last: T?
        while ContinuousClock.now < deadline {
            if let value: T = try? await getJSON(path, from: target) {
                if done(value) { return value }
                last = value
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        if let last { return last }
        return try await getJSON(path, from: target)  // throws with the status and body
    }

    func stop() async {
        for process in replicas { _ = await process.terminate() }
        await watcher.close()
        await producer.shutdown()
    }
}
