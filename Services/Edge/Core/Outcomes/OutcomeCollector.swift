import Foundation
import Logging
import OmniKafka
import OmniMessaging
import OmniPersistence
import OmniRuntime
import ServiceLifecycle

/// Reads every service's `*.events` and records the outcome of the commands the edge sent:
/// only events caused by, or correlated with, an edge command (a version-8 id) touch
/// Postgres, in one statement per poll batch. Recording is idempotent (the first ending
/// event wins), so it needs no inbox: offsets are stored once the batch is recorded.
final class OutcomeCollector: Service, Sendable {
    private let resources: ServiceResources
    private let notifyChannel: String

    init(resources: ServiceResources, notifyChannel: String) {
        self.resources = resources
        self.notifyChannel = notifyChannel
    }

    func run() async throws {
        try await EventsTail.run(resources: resources, group: resources.configuration.consumerGroup, clientSuffix: "-outcomes", fromEarliest: true) { batch in
            await self.record(batch)
        }
    }

    /// The events of `batch` that may end an edge command.
    static func candidates(_ batch: [ConsumedMessage]) -> [CommandLog.EndingCandidate] {
        batch.compactMap { message in
            guard let event = try? CloudEvent(message: message) else { return nil }
            let causation = event.causationID.flatMap(UUID.init(uuidString:)).flatMap { CommandAdmission.isEdgeCommand($0) ? $0 : nil }
            let correlation = event.correlationID.flatMap(UUID.init(uuidString:)).flatMap { CommandAdmission.isEdgeCommand($0) ? $0 : nil }
            guard causation != nil || correlation != nil else { return nil }
            // Text Postgres can hold, and JSON the edge can answer with; anything else ends the
            // command without its data.
            let data = event.data.contains(0) || event.data.count > 1 << 20 ? nil : String(validating: event.data, as: UTF8.self)
            return .init(eventID: event.id, type: event.type, causation: causation, correlation: correlation,
                         data: data.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed])) != nil ? $0 : nil })
        }
    }

    /// Records the batch's outcomes, retrying while Postgres is away; one that fails for
    /// good on its own (it never should) is logged and skipped, so no event stalls the rest.
    private func record(_ batch: [ConsumedMessage]) async {
        let candidates = Self.candidates(batch)
        guard !candidates.isEmpty else { return }
        let database = resources.database, logger = resources.logger, channel = notifyChannel
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                _ = try await database.withConnection { connection in
                    try await CommandLog.recordOutcomes(candidates, notify: channel, on: connection, logger: logger)
                }
                return
            } catch {
                if attempt >= 3, !(error is DatabaseError) {
                    logger.error("outcomes not recorded together: one at a time", metadata: ["error": "\(String(reflecting: error))"])
                    for candidate in candidates {
                        do {
                            _ = try await database.withConnection { connection in
                                try await CommandLog.recordOutcomes([candidate], notify: channel, on: connection, logger: logger)
                            }
                        } catch {
                            logger.error("outcome skipped", metadata: ["event": "\(candidate.eventID)", "type": "\(candidate.type)", "error": "\(error)"])
                        }
                    }
                    return
                }
                logger.warning("outcomes not recorded yet", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 * attempt)))
            }
        }
    }
}
