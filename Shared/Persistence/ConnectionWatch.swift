import Logging
import Metrics
import PostgresNIO
import Synchronization

/// Guards work on a leased connection against a PostgresNIO (1.33) hang: a query written
/// just after the server closed the connection is never answered, because the channel
/// has already dropped its handlers and `channel.write(_, promise: nil)` loses the query's
/// promise. The caller then waits forever, holding its Kafka partition (found by the chaos
/// run, reproduced by `PostgresCrashTests`: Postgres crashing under a live service).
///
/// So the work runs in a task of its own. When the connection closes, a query in flight
/// fails by itself at once; work still pending `grace` later is abandoned and the caller
/// gets `DatabaseError.connectionLost`, a transient error it retries on a new connection.
/// One close callback per connection, not per use: connections live for thousands of
/// transactions.
final class ConnectionWatch: Sendable {
    private struct Watchers {
        var nextToken: UInt64 = 0
        var byConnection: [Int: [UInt64: @Sendable () -> Void]] = [:]
    }

    private let watchers = Mutex(Watchers())
    private let grace: Duration
    private let logger: Logger

    init(grace: Duration = .seconds(1), logger: Logger) {
        self.grace = grace
        self.logger = logger
    }

    /// Runs `body` on `connection`; throws `DatabaseError.connectionLost` if the connection
    /// closes and `body` has not finished `grace` later.
    func run<T: Sendable>(on connection: PostgresConnection, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        // The work's task, or that the caller was cancelled before the task existed.
        let work = Mutex<(task: Task<Void, Never>?, cancelled: Bool)>((nil, false))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let answer = AnswerOnce(continuation)
                let token = watch(connection) { [grace, logger] in
                    Task {
                        try? await Task.sleep(for: grace)
                        if answer.resume(with: .failure(DatabaseError.connectionLost)) {
                            Counter(label: "omni_db_abandoned_on_closed_connection_total").increment()
                            logger.warning("work on a closed Postgres connection never finished: abandoned, retried on a new connection",
                                           metadata: ["psql_connection_id": "\(connection.id)"])
                        }
                    }
                }
                let task = Task {
                    let result: Result<T, any Error>
                    do { result = .success(try await body(connection)) } catch { result = .failure(error) }
                    self.unwatch(connection.id, token)
                    answer.resume(with: result)
                }
                let cancelled = work.withLock { state in
                    state.task = task
                    return state.cancelled
                }
                if cancelled { task.cancel() }
            }
        } onCancel: {
            let task = work.withLock { state in
                state.cancelled = true
                return state.task
            }
            task?.cancel()
        }
    }

    private func watch(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) -> UInt64 {
        let (token, first) = watchers.withLock { state -> (UInt64, Bool) in
            state.nextToken += 1
            let first = state.byConnection[connection.id] == nil
            state.byConnection[connection.id, default: [:]][state.nextToken] = onClose
            return (state.nextToken, first)
        }
        if first {
            connection.closeFuture.whenComplete { [self] _ in
                let closed = watchers.withLock { $0.byConnection.removeValue(forKey: connection.id) ?? [:] }
                closed.values.forEach { $0() }
            }
        }
        return token
    }

    private func unwatch(_ connectionID: Int, _ token: UInt64) {
        watchers.withLock { state in
            state.byConnection[connectionID]?[token] = nil
        }
    }
}

/// Resumes a continuation once; later answers are dropped.
private final class AnswerOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }

    /// True if this was the answer.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        guard let continuation = self.continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(with: result)
        return true
    }
}
