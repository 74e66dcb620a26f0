import Foundation
import Logging
import OmniPersistence
import ServiceLifecycle

/// Wakes the requests waiting for a command's outcome when any edge replica records it
/// (Postgres `NOTIFY` on the schema's `<schema>_outcomes`, sent at commit).
actor OutcomeSignals {
    private var waiting: [UUID: [UInt64: CheckedContinuation<Void, Never>]] = [:]
    private var nextToken: UInt64 = 0

    /// Returns when `id`'s outcome may have been recorded, or after `duration`.
    func nap(for id: UUID, upTo duration: Duration) async {
        let token = nextToken
        nextToken += 1
        await withCheckedContinuation { continuation in
            waiting[id, default: [:]][token] = continuation
            Task { [weak self] in
                try? await Task.sleep(for: duration)
                await self?.wake(id, token: token)
            }
        }
    }

    func signal(_ id: UUID) {
        guard let continuations = waiting.removeValue(forKey: id) else { return }
        for continuation in continuations.values { continuation.resume() }
    }

    private func wake(_ id: UUID, token: UInt64) {
        guard let continuation = waiting[id]?.removeValue(forKey: token) else { return }
        if waiting[id]?.isEmpty == true { waiting[id] = nil }
        continuation.resume()
    }
}

/// LISTENs for recorded outcomes and signals the waiters; reconnects when the connection drops.
final class OutcomeListener: Service, Sendable {
    let signals: OutcomeSignals
    private let database: Database
    private let channel: String
    private let logger: Logger

    init(signals: OutcomeSignals, database: Database, channel: String, logger: Logger) {
        self.signals = signals
        self.database = database
        self.channel = channel
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.database.withConnection { [channel = self.channel, signals = self.signals] connection in
                        try await connection.listen(on: channel) { notifications in
                            for try await notification in notifications {
                                if let id = UUID(uuidString: notification.payload) { await signals.signal(id) }
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    self.logger.debug("outcome listener reconnecting", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
