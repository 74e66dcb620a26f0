import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime
import PostgresNIO

/// Segments as data, membership kept current: a purchase or a return re-evaluates its
/// customer at once; a definition, and time passing (a purchase leaving a 90-day window),
/// are left to `SegmentReviews`, which works through the due customers in batches. Every
/// change goes out as `SegmentMembershipChanged` (promotions target segments with it).
enum SegmentHandlers {
    @Sendable static func define(_ segment: DefineSegment, _ context: CommandContext) async throws {
        try SegmentRules.validate(segment)
        let version = try await SegmentRecords.save(segment, on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.segmentDefined, SegmentDefined(segment: segment, version: version), subject: segment.segmentId)
        let due = try await SegmentRecords.reviewEveryone(on: context.connection, logger: context.logger)
        context.logger.info("segment defined, customers to review", metadata: ["segment": "\(segment.segmentId)", "customers": "\(due)"])
    }

    /// Brings `customer`'s memberships in line with the segments, announcing each change,
    /// and schedules the next look for when time alone would change them.
    static func reevaluate(_ customer: UUID, emitter: OutboxEmitter, at now: Date = Date()) async throws {
        let connection = emitter.connection, logger = emitter.logger
        try await SegmentRecords.lock(customer, on: connection, logger: logger)
        let facts = try await SegmentRecords.facts(customer, on: connection, logger: logger)
        let current = try await SegmentRecords.memberships(customer, on: connection, logger: logger)
        let segments = try await SegmentRecords.all(on: connection, logger: logger)
        let id = customer.uuidString.lowercased()
        for segment in segments {
            let member = SegmentRules.isMember(segment, facts, at: now)
            guard member != current.contains(segment.segmentId) else { continue }
            try await SegmentRecords.setMember(customer, segment.segmentId, member, on: connection, logger: logger)
            try await emitter.emit(CustomersType.segmentMembershipChanged, SegmentMembershipChanged(customerId: id, segmentId: segment.segmentId, member: member),
                                   subject: id)
        }
        try await SegmentRecords.scheduleReview(customer, at: SegmentRules.nextChange(segments, facts, after: now), on: connection, logger: logger)
    }
}
