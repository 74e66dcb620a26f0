import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on `<schema>_reference` (what `reference_notify()` says when a reference table
/// changed) and drops the process's `ReferenceCache`s on each notification. While it is not
/// listening (starting, reconnecting) no cache keeps a copy.
public final class ReferenceChanges: Service, Sendable {
    private let database: Database
    private let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        let channel = database.schema + "_reference"
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.database.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            ReferenceCaches.setListening(true)
                            defer { ReferenceCaches.setListening(false) }
                            for try await _ in notifications { ReferenceCaches.changed() }
                        }
                    }
                } catch {
                    ReferenceCaches.setListening(false)
                    if Task.isCancelled { return }
                    self.logger.debug("reference listener reconnecting", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
