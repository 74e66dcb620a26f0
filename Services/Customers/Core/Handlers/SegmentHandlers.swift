import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime
import PostgresNIO

/// Segments as data, membership kept current from events: a definition re-evaluates every
/// customer, a purchase or a return re-evaluates its customer; every change goes out as
/// `SegmentMembershipChanged` (promotions target segments with it).
enum SegmentHandlers {
    @Sendable static func define(_ segment: DefineSegment, _ context: CommandContext) async throws {
        try SegmentRules.validate(segment)
        let version = try await SegmentRecords.save(segment, on: context.connection, logger: context.logger)
        let emitter = OutboxEmitter(context)
        try await emitter.emit(CustomersType.segmentDefined, SegmentDefined(segment: segment, version: version), subject: segment.segmentId)
        for customer in try await SegmentRecords.activeCustomers(on: context.connection, logger: context.logger) {
            try await reevaluate(customer, emitter: emitter)
        }
    }

    /// Brings `customer`'s memberships in line with the segments, announcing each change.
    static func reevaluate(_ customer: UUID, emitter: OutboxEmitter, at now: Date = Date()) async throws {
        let connection = emitter.connection, logger = emitter.logger
        let facts = try await SegmentRecords.facts(customer, on: connection, logger: logger)
        let current = try await SegmentRecords.memberships(customer, on: connection, logger: logger)
        let id = customer.uuidString.lowercased()
        for segment in try await SegmentRecords.all(on: connection, logger: logger) {
            let member = SegmentRules.isMember(segment, facts, at: now)
            guard member != current.contains(segment.segmentId) else { continue }
            try await SegmentRecords.setMember(customer, segment.segmentId, member, on: connection, logger: logger)
            try await emitter.emit(CustomersType.segmentMembershipChanged, SegmentMembershipChanged(customerId: id, segmentId: segment.segmentId, member: member),
                                   subject: id)
        }
    }
}
