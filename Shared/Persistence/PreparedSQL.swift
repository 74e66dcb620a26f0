import Logging
import PostgresNIO
import Synchronization

/// A statement written like a `PostgresQuery` (`"… WHERE id = \(id)"`) that also knows its
/// parameters' Postgres types, even for a nil, so it can run as a prepared statement.
///
/// Why: a `PostgresQuery` is parsed, analysed and planned by Postgres at every call. Under
/// load that was 40% of Postgres' CPU (perf, the system bench), for the same few hundred
/// statements over and over. Prepared once per connection, each call is only bound and run.
public struct PreparedSQL: ExpressibleByStringInterpolation, Sendable {
    public private(set) var query: PostgresQuery
    /// Each parameter's type, as Parse declares it: nil when a nil had no static type.
    fileprivate var types: [PostgresDataType]?

    public init(stringLiteral value: String) {
        query = PostgresQuery(unsafeSQL: value)
        types = []
    }

    public init(stringInterpolation: StringInterpolation) {
        query = PostgresQuery(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
        types = stringInterpolation.types
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds: PostgresBindings
        var types: [PostgresDataType]?

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
            binds = PostgresBindings(capacity: interpolationCount)
            types = []
            types?.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql.append(contentsOf: literal)
        }

        /// SQL text spliced in as it is (a column list): never a value.
        public mutating func appendInterpolation(unescaped text: String) {
            sql.append(contentsOf: text)
        }

        public mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws {
            try binds.append(value)
            types?.append(value.psqlType)
            sql.append(contentsOf: "$\(binds.count)")
        }

        public mutating func appendInterpolation<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws {
            switch value {
            case .some(let value):
                try binds.append(value)
                types?.append(value.psqlType)
            case .none:
                binds.appendNull()
                if let encodable = Value.self as? any PostgresEncodable.Type {
                    types?.append(encodable.psqlType)
                } else {
                    types = nil
                }
            }
            sql.append(contentsOf: "$\(binds.count)")
        }
    }

    /// The statement's name on a connection: its text and parameter types, hashed.
    fileprivate var statementName: String? {
        guard let types else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        for byte in query.sql.utf8 { mix(byte) }
        for type in types {
            mix(0)
            withUnsafeBytes(of: type.rawValue.littleEndian) { $0.forEach(mix) }
        }
        return "omni_" + String(hash, radix: 36)
    }
}

/// The rows of a statement, as `run` gives them.
public typealias PostgresRows = AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>

extension PostgresConnection {
    /// Runs `statement` prepared: parsed and planned once per connection, then only bound
    /// and executed. Rows come back as from `query`.
    @discardableResult
    public func run(_ statement: PreparedSQL, logger: Logger, file: String = #fileID, line: Int = #line)
        async throws -> PostgresRows {
        guard let base = statement.statementName, let types = statement.types,
              let name = PreparedNames.shared.name(base, on: id) else {
            return try await query(statement.query, logger: logger, file: file, line: line).map { $0 }
        }
        let current = DynamicStatement.Current(name: name, sql: statement.query.sql, types: types)
        do {
            return try await DynamicStatement.$current.withValue(current) {
                try await execute(DynamicStatement(bindings: statement.query.binds), logger: logger, file: file, line: line)
            }
        } catch {
            // The failure may have come from preparing it (an aborted transaction, say),
            // which PostgresNIO remembers for the name on this connection: use another.
            PreparedNames.shared.retire(base, on: id)
            throw error
        }
    }
}

/// PostgresNIO prepares and caches a statement per connection by the name its
/// `PostgresPreparedStatement` type gives, a static one. This one type serves every
/// statement: `execute` reads `name`, `sql` and `bindingDataTypes` in the caller's task,
/// before it suspends, so a task-local holds the current statement's (PostgresNIO 1.33).
private struct DynamicStatement: PostgresPreparedStatement {
    struct Current: Sendable {
        var name: String
        var sql: String
        var types: [PostgresDataType]
    }

    typealias Row = PostgresRow
    @TaskLocal static var current = Current(name: "", sql: "", types: [])
    static var name: String { current.name }
    static var sql: String { current.sql }
    static var bindingDataTypes: [PostgresDataType] { current.types }

    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// Names retired on a connection after a failure (see `run`); a name that keeps failing
/// there runs unprepared on it.
private final class PreparedNames: Sendable {
    static let shared = PreparedNames()
    private let retired = Mutex<[PostgresConnection.ID: [String: Int]]>([:])
    private let maximumRetirements = 16

    func name(_ base: String, on connection: PostgresConnection.ID) -> String? {
        let count = retired.withLock { $0[connection]?[base] ?? 0 }
        if count == 0 { return base }
        return count > maximumRetirements ? nil : "\(base)_\(count)"
    }

    func retire(_ base: String, on connection: PostgresConnection.ID) {
        retired.withLock { $0[connection, default: [:]][base, default: 0] += 1 }
    }
}

extension PreparedSQL {
    /// A `LIKE`/`ILIKE` pattern matching any text that holds `text` as typed: LIKE's own
    /// characters (`%`, `_` and the escape `\`) in it match only themselves.
    public static func containing(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
