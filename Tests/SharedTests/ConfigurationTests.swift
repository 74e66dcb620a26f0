import OmniRuntime
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("defaults give a service its own role, schema, group and port")
    func defaults() throws {
        let configuration = try OmniConfiguration.fromEnvironment(service: "orders", environment: ["OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "127.0.0.1:9092"])
        #expect(configuration.database.username == "orders")
        #expect(configuration.database.schema == "orders")
        #expect(configuration.consumerGroup == "omni-orders")
        #expect(configuration.httpPort == 8083)
        #expect(configuration.fetchWaitMaxMilliseconds == 10)
        #expect(configuration.transactionsAtOnce == nil)  // the service's own choice
    }

    @Test("how many consumer transactions run at once can be set, never to zero")
    func transactionsAtOnce() throws {
        let configuration = try OmniConfiguration.fromEnvironment(service: "catalog", environment: [
            "OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1", "OMNI_CONSUMER_TRANSACTIONS_AT_ONCE": "4",
        ])
        #expect(configuration.transactionsAtOnce == 4)
        #expect(throws: ConfigurationError.self) {
            try OmniConfiguration.fromEnvironment(service: "catalog", environment: ["OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1", "OMNI_CONSUMER_TRANSACTIONS_AT_ONCE": "0"])
        }
    }

    @Test("a service without a key set to verify credentials with does not start")
    func keySetIsRequired() throws {
        #expect(throws: ConfigurationError.self) {
            try OmniConfiguration.fromEnvironment(service: "orders", environment: ["OMNI_KAFKA_BOOTSTRAP": "x:1"])
        }
        let configuration = try OmniConfiguration.fromEnvironment(service: "orders", environment: [
            "OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_AUTH_REVOKED_FILE": "/revoked.json", "OMNI_KAFKA_BOOTSTRAP": "x:1",
        ])
        #expect(configuration.authKeysFile == "/keys.json")
        #expect(configuration.authRevokedFile == "/revoked.json")
    }

    @Test("bad values are refused with the variable named")
    func invalid() {
        #expect(throws: ConfigurationError.self) { try OmniConfiguration.fromEnvironment(service: "orders", environment: [:]) }
        #expect(throws: ConfigurationError.self) {
            try OmniConfiguration.fromEnvironment(service: "orders", environment: ["OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1", "OMNI_PG_PORT": "five"])
        }
        #expect(throws: ConfigurationError.self) {
            try OmniConfiguration.fromEnvironment(service: "orders", environment: ["OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1", "OMNI_KAFKA_PROPERTIES": "nonsense"])
        }
    }

    @Test("the inbox remembers 14 days by default; a retention can be set, never to zero")
    func inboxRetention() throws {
        let environment = ["OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1"]
        #expect(try OmniConfiguration.fromEnvironment(service: "orders", environment: environment).inboxRetentionHours == 336)
        #expect(try OmniConfiguration.fromEnvironment(service: "orders", environment: environment.merging(["OMNI_INBOX_RETENTION_HOURS": "200"]) { $1 })
            .inboxRetentionHours == 200)
        for bad in ["0", "-1", "two weeks"] {
            #expect(throws: ConfigurationError.self) {
                try OmniConfiguration.fromEnvironment(service: "orders", environment: environment.merging(["OMNI_INBOX_RETENTION_HOURS": bad]) { $1 })
            }
        }
    }

    @Test("a failing message is tried 5 times by default; statements time out after 30 s; both can be set, never to zero")
    func poisonGuards() throws {
        let environment = ["OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1"]
        let defaults = try OmniConfiguration.fromEnvironment(service: "orders", environment: environment)
        #expect(defaults.maxHandlerAttempts == 5)
        #expect(defaults.database.statementTimeout == .seconds(30))
        let set = try OmniConfiguration.fromEnvironment(service: "orders", environment: environment.merging([
            "OMNI_CONSUMER_MAX_ATTEMPTS": "2", "OMNI_PG_STATEMENT_TIMEOUT_MS": "1500"]) { $1 })
        #expect(set.maxHandlerAttempts == 2 && set.database.statementTimeout == .milliseconds(1500))
        for key in ["OMNI_CONSUMER_MAX_ATTEMPTS", "OMNI_PG_STATEMENT_TIMEOUT_MS"] {
            for bad in ["0", "-3", "many"] {
                #expect(throws: ConfigurationError.self) {
                    try OmniConfiguration.fromEnvironment(service: "orders", environment: environment.merging([key: bad]) { $1 })
                }
            }
        }
    }

    @Test("any librdkafka property can be passed through")
    func escapeHatch() throws {
        let configuration = try OmniConfiguration.fromEnvironment(service: "catalog", environment: [
            "OMNI_AUTH_KEYS_FILE": "/keys.json", "OMNI_KAFKA_BOOTSTRAP": "x:1", "OMNI_KAFKA_PROPERTIES": "socket.keepalive.enable=true; statistics.interval.ms=0",
        ])
        #expect(configuration.kafka.properties == ["socket.keepalive.enable": "true", "statistics.interval.ms": "0"])
    }
}
