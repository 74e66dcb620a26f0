import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The edge: the one public door for channels (docs/services/edge.md). A till, a kiosk or
/// a marketplace connector sends commands over HTTP with its credential; the edge checks
/// them, sets the envelope from the credential, publishes them through its outbox, and
/// answers with the outcome the services publish.
public enum EdgeService {
    public static let name = "edge"

    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        let signals = OutcomeSignals()
        let limiter = RateLimiter.fromEnvironment(environment)
        let consoleConfiguration = ConsoleConfiguration.fromEnvironment(environment)
        let feed = ConsoleFeedSlot()
        return ServiceDefinition(
            name: name,
            migrations: [try .bundled(component: name, in: .module)],
            // Outcomes are read by `OutcomeCollector`, which needs no inbox.
            subscriptions: [],
            routes: { router, resources in
                CommandRoutes.add(to: router, database: resources.database, signals: signals, limiter: limiter)
                ExportRoutes.add(to: router, reader: ServiceReader(services: consoleConfiguration.services))
                do {
                    let console = try Console(configuration: consoleConfiguration, database: resources.database, logger: resources.logger)
                    ConsoleRoutes.add(to: router, console: console, feed: feed.feed(resources), signals: signals)
                } catch {
                    resources.logger.critical("the staff console cannot start", metadata: ["error": "\(error)"])
                }
            },
            selfAuthenticatedPrefixes: ["/console"],
            readinessChecks: [("console feed", { feed.isFollowing })],
            workers: { resources in
                let channel = resources.database.schema + "_outcomes"
                return [
                    OutcomeCollector(resources: resources, notifyChannel: channel),
                    OutcomeListener(signals: signals, database: resources.database, channel: channel, logger: resources.logger),
                    feed.feed(resources),
                ]
            }
        )
    }
}
