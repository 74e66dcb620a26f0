import Foundation
import OmniKafka
import OmniMessaging
import OmniPersistence

/// Everything a service reads from its environment (README, "Configuration").
public struct OmniConfiguration: Sendable {
    public var serviceName: String
    public var instanceID: String
    public var kafkaBootstrap: String
    public var kafkaProperties: [String: String]
    public var fetchWaitMaxMilliseconds: Int
    public var consumerGroup: String
    /// How many consecutive messages of a partition may share one transaction.
    public var messagesPerTransaction: Int
    /// How many consumer transactions may run at once (nil: the service's own choice).
    public var transactionsAtOnce: Int?
    /// Tries of a message whose handling fails with a non-transient error before it is
    /// dead-lettered and its partition moves on (transient failures retry for ever).
    public var maxHandlerAttempts: Int
    public var database: DatabaseConfiguration
    /// How long the inbox remembers a handled message (`InboxPruner`).
    public var inboxRetentionHours: Int
    public var httpHost: String
    public var httpPort: Int
    /// When set, the bound HTTP port is written there (useful with port 0).
    public var portFile: String?
    public var logLevel: String
    public var logFormat: LogFormat
    /// The public key set credentials are verified with (required: no service runs unguarded).
    public var authKeysFile: String
    /// The revocation list (optional: nothing revoked without it).
    public var authRevokedFile: String?

    public enum LogFormat: String, Sendable { case text, json }

    /// Default HTTP ports on the dev stack.
    public static let defaultPorts: [String: Int] = [
        "customers": 8081, "catalog": 8082, "orders": 8083, "promotions": 8084, "notifications": 8085, "edge": 8080,
    ]

    public static func fromEnvironment(service: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OmniConfiguration {
        func value(_ key: String) -> String? {
            guard let text = environment[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func integer(_ key: String, default fallback: Int) throws -> Int {
            guard let text = value(key) else { return fallback }
            guard let number = Int(text) else { throw ConfigurationError.invalid(key, text, "a whole number") }
            return number
        }
        func positive(_ key: String, default fallback: Int) throws -> Int {
            let number = try integer(key, default: fallback)
            guard number > 0 else { throw ConfigurationError.invalid(key, String(number), "a whole number above 0") }
            return number
        }
        let name = value("OMNI_SERVICE_NAME") ?? service
        var bootstrap = value("OMNI_KAFKA_BOOTSTRAP")
        if bootstrap == nil, let file = value("OMNI_KAFKA_BOOTSTRAP_FILE") {
            bootstrap = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let bootstrap, !bootstrap.isEmpty else {
            throw ConfigurationError.missing("OMNI_KAFKA_BOOTSTRAP (or OMNI_KAFKA_BOOTSTRAP_FILE)")
        }
        let formatText = value("OMNI_LOG_FORMAT") ?? "text"
        guard let format = LogFormat(rawValue: formatText) else { throw ConfigurationError.invalid("OMNI_LOG_FORMAT", formatText, "text or json") }
        let schema = value("OMNI_PG_SCHEMA") ?? name
        guard let keysFile = value("OMNI_AUTH_KEYS_FILE") else {
            throw ConfigurationError.missing("OMNI_AUTH_KEYS_FILE (the public key set credentials are verified with: omni-cli auth init)")
        }
        return OmniConfiguration(
            serviceName: name,
            instanceID: value("OMNI_INSTANCE_ID") ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())",
            kafkaBootstrap: bootstrap,
            kafkaProperties: try parseProperties(value("OMNI_KAFKA_PROPERTIES") ?? ""),
            fetchWaitMaxMilliseconds: try integer("OMNI_KAFKA_FETCH_WAIT_MAX_MS", default: 10),
            consumerGroup: value("OMNI_CONSUMER_GROUP") ?? "omni-\(name)",
            messagesPerTransaction: try positive("OMNI_CONSUMER_MESSAGES_PER_TRANSACTION", default: 32),
            transactionsAtOnce: value("OMNI_CONSUMER_TRANSACTIONS_AT_ONCE") == nil ? nil : try positive("OMNI_CONSUMER_TRANSACTIONS_AT_ONCE", default: 1),
            maxHandlerAttempts: try positive("OMNI_CONSUMER_MAX_ATTEMPTS", default: 5),
            database: DatabaseConfiguration(
                host: value("OMNI_PG_HOST") ?? "127.0.0.1",
                port: try integer("OMNI_PG_PORT", default: 5432),
                database: value("OMNI_PG_DATABASE") ?? "omni",
                username: value("OMNI_PG_USER") ?? name,
                password: value("OMNI_PG_PASSWORD") ?? name,
                schema: schema,
                maxConnections: try integer("OMNI_PG_MAX_CONNECTIONS", default: 8),
                statementTimeout: .milliseconds(try positive("OMNI_PG_STATEMENT_TIMEOUT_MS", default: 30_000))
            ),
            inboxRetentionHours: try positive("OMNI_INBOX_RETENTION_HOURS", default: 14 * 24),
            httpHost: value("OMNI_HTTP_HOST") ?? "127.0.0.1",
            httpPort: try integer("OMNI_HTTP_PORT", default: defaultPorts[name] ?? 8080),
            portFile: value("OMNI_PORT_FILE"),
            logLevel: value("OMNI_LOG_LEVEL") ?? "info",
            logFormat: format,
            authKeysFile: keysFile,
            authRevokedFile: value("OMNI_AUTH_REVOKED_FILE")
        )
    }

    /// `key=value;key=value` — any librdkafka property.
    static func parseProperties(_ text: String) throws -> [String: String] {
        var properties: [String: String] = [:]
        for pair in text.split(separator: ";") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ConfigurationError.invalid("OMNI_KAFKA_PROPERTIES", String(pair), "key=value pairs separated by ;")
            }
            properties[pair[..<equals].trimmingCharacters(in: .whitespaces)] = pair[pair.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return properties
    }

    public var kafka: KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: kafkaBootstrap, clientID: "\(serviceName)-\(instanceID)", properties: kafkaProperties)
    }
}

public enum ConfigurationError: Error, CustomStringConvertible {
    case missing(String)
    case invalid(String, String, String)

    public var description: String {
        switch self {
        case .missing(let key): "missing configuration: \(key)"
        case .invalid(let key, let value, let expected): "invalid \(key)='\(value)': expected \(expected)"
        }
    }
}
