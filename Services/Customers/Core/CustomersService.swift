import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// The customers service: one profile per person across every channel — identifiers and
/// merges, consents, contact preferences, loyalty, the timeline, GDPR (docs/services/customers.md).
public enum CustomersService {
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        let leadCheck = LeadDeadlines.interval(environment)
        return ServiceDefinition(
            name: ServiceName.customers.rawValue,
            migrations: [try .bundled(component: "customers", in: .module)],
            subscriptions: [Topics.commands(.customers), Topics.channelInteractions, Topics.events(.orders), Topics.events(.notifications)],
            handlers: CustomersHandlers.all(loyalty: LoyaltySpendHandlers(pointValueMinor: LoyaltySpendHandlers.pointValue(environment))),
            routes: { router, resources in CustomersRoutes.add(to: router, database: resources.database) },
            workers: { resources in [SegmentReviews(database: resources.database, logger: resources.logger),
                                     LeadDeadlines(database: resources.database, logger: resources.logger, interval: leadCheck)] }
        )
    }
}
