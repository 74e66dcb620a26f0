import Logging
import PostgresNIO

/// Where a service's Postgres is, and as whom it connects: its own role, its own schema.
public struct DatabaseConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: String
    public var username: String
    public var password: String?
    /// The schema the service owns; also its `search_path`.
    public var schema: String
    public var maxConnections: Int
    /// Postgres cancels a statement that runs longer (`statement_timeout`): one message
    /// can never hold a connection, a lock or its partition for ever. Nil: no limit.
    public var statementTimeout: Duration?

    public init(host: String, port: Int, database: String, username: String, password: String?, schema: String, maxConnections: Int = 8,
                statementTimeout: Duration? = .seconds(30)) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.schema = schema
        self.maxConnections = maxConnections
        self.statementTimeout = statementTimeout
    }
}

/// A service's connection pool, bound to its schema. Run `client` as a `Service`.
public final class Database: Sendable {
    public let client: PostgresClient
    public let schema: String
    public let logger: Logger
    private let watch: ConnectionWatch

    public init(configuration: DatabaseConfiguration, logger: Logger) throws {
        guard Self.isValidIdentifier(configuration.schema) else {
            throw DatabaseError.invalidSchemaName(configuration.schema)
        }
        var config = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: .disable
        )
        config.options.maximumConnections = configuration.maxConnections
        config.options.minimumConnections = 1
        config.options.additionalStartupParameters = [("search_path", configuration.schema), ("application_name", "omni-\(configuration.schema)")]
        if let timeout = configuration.statementTimeout {
            let milliseconds = max(1, Int(timeout / .milliseconds(1)))
            config.options.additionalStartupParameters.append(("statement_timeout", String(milliseconds)))
        }
        self.client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.schema = configuration.schema
        self.logger = logger
        self.watch = ConnectionWatch(logger: logger)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    /// The outbox rows it appends are written together before COMMIT (`OutboxBuffer`).
    /// Throws `DatabaseError.connectionLost` if the connection dies and `body` hangs on it.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await withConnection { [logger] connection in
                try await connection.withTransaction(logger: logger) { connection in
                    let outbox = OutboxBuffer()
                    let result = try await OutboxBuffer.$current.withValue(outbox) { try await body(connection) }
                    try await outbox.flush(on: connection, logger: logger)
                    return result
                }
            }
        } catch let error as PostgresTransactionError {
            throw error.underlying
        }
    }

    /// Runs `body` with a connection of the pool (use this, not `client`: see `ConnectionWatch`).
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { [watch] connection in
            try await watch.run(on: connection, body)
        }
    }

    /// Runs one statement and returns all its rows.
    @discardableResult
    public func query(_ query: PreparedSQL, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        try await withConnection { [logger] connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.run(query, logger: logger, file: file, line: line) { rows.append(row) }
            return rows
        }
    }

    /// `SELECT 1` answered in time.
    public func isReachable() async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await self.query("SELECT 1")) != nil }
            group.addTask { try? await Task.sleep(for: .seconds(2)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Lower-case SQL identifiers only, so schema names can be quoted into DDL safely.
    public static func isValidIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_", name.count <= 63 else { return false }
        return name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" } && name.allSatisfy(\.isASCII)
    }
}

public enum DatabaseError: Error, CustomStringConvertible {
    /// The connection closed under work that never finished (see `ConnectionWatch`); transient.
    case connectionLost
    case invalidSchemaName(String)
    case migrationChanged(component: String, version: Int, name: String)
    case badMigrationFileName(String)

    public var description: String {
        switch self {
        case .connectionLost: "the Postgres connection closed under work that never finished"
        case .invalidSchemaName(let name): "invalid schema name '\(name)'"
        case .migrationChanged(let component, let version, let name):
            "migration \(component)/\(version) \(name) was edited after it was applied; add a new migration instead"
        case .badMigrationFileName(let name): "migration file '\(name)' must be named NNNN_description.sql"
        }
    }
}

extension PSQLError {
    /// Worth retrying: the server never answered (connection lost, pool closed), or its
    /// SQLSTATE is of class 08 (connection), 40 (serialization, deadlock), 53 (resources),
    /// 57 (operator intervention, e.g. shutdown), or 55P03 (lock timeout).
    ///
    /// Not transient: 57014 (a statement cancelled, which is how `statement_timeout` ends
    /// one: the same message would run as long again), and client-side errors without a
    /// SQLSTATE that no retry changes (too many parameters, a message it cannot decode).
    public var isTransient: Bool {
        guard let state = serverInfo?[.sqlState] else {
            return [.clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed,
                    .failedToAddSSLHandler, .sslUnsupported, .listenFailed, .unlistenFailed].contains(code)
        }
        if state == "57014" { return false }
        return ["08", "40", "53", "57"].contains(String(state.prefix(2))) || state == "55P03"
    }
}

extension PSQLError {
    /// SQLSTATE class 22 (data exception): the value itself is wrong, e.g. a NUL character
    /// in text (22021) or a number out of range (22003).
    public var isDataException: Bool { serverInfo?[.sqlState]?.hasPrefix("22") ?? false }
}

extension PostgresTransactionError {
    /// The error that made the transaction fail (closure, BEGIN or COMMIT).
    public var underlying: any Error { closureError ?? beginError ?? commitError ?? self }
}

extension Array where Element == PostgresRow {
    /// Every row decoded as `type` (a column type or a tuple of them).
    public func decode<each Column: PostgresDecodable>(_ type: (repeat each Column).Type, file: String = #fileID, line: Int = #line) throws -> [(repeat each Column)] {
        try map { try $0.decode(type, file: file, line: line) }
    }
}
