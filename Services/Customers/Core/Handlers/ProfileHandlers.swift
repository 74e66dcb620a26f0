import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime

/// One profile per person: identifiers resolve to it, profiles that prove to be one
/// person merge, erasure removes the person.
enum ProfileHandlers {
    @Sendable static func register(_ command: RegisterCustomer, _ context: CommandContext) async throws {
        // Known identifiers and no profile change nothing, yet the channel needs the customer id.
        _ = try await resolveOrCreate(command.identifiers, profile: command.profile, context, answerUnchanged: true)
    }

    /// The person these identifiers name: found (new identifiers linked, profile updated),
    /// merged when they name several profiles, or created. Emits what changed (with
    /// `answerUnchanged`, `ProfileUpdated` even when nothing did).
    static func resolveOrCreate(_ given: [CustomerIdentifier], profile fields: ProfileFields?, _ context: CommandContext,
                                answerUnchanged: Bool = false) async throws -> UUID {
        guard !given.isEmpty else { throw Rejection("missing-identifier", "a customer needs at least one identifier") }
        let identifiers = try given.map { identifier throws(Rejection) in try IdentifierRules.normalised(identifier) }
        if let fields { try validate(fields) }
        let owners = try await CustomerRecords.owners(of: identifiers, on: context.connection, logger: context.logger)
        let channel = context.command.channel
        let customer: UUID
        var created = false
        switch owners.count {
        case 0:
            customer = UUID()
            created = true
            try await CustomerRecords.create(customer, entryChannel: channel, on: context.connection, logger: context.logger)
        case 1:
            customer = owners[0]
        default:
            customer = try await merge(owners, context)
        }
        var linked: [CustomerIdentifier] = []
        for identifier in identifiers where try await CustomerRecords.link(identifier, to: customer, channel: channel, on: context.connection, logger: context.logger) {
            linked.append(identifier)
        }
        if let fields { try await CustomerRecords.update(customer, with: fields, on: context.connection, logger: context.logger) }
        let profile = try await CustomerRecords.profile(customer, on: context.connection, logger: context.logger)
        let subject = profile.customerId
        if created {
            try await context.emit(CustomersType.customerRegistered, CustomerRegistered(profile: profile, channel: channel), subject: subject)
            try await timeline(customer, context, kind: "registered", summary: "registered on \(channel ?? "an unknown channel")")
        } else {
            for identifier in linked {
                try await context.emit(CustomersType.identifierLinked, IdentifierLinked(customerId: subject, identifier: identifier), subject: subject)
            }
            if fields != nil || !linked.isEmpty || answerUnchanged {
                try await context.emit(CustomersType.profileUpdated, ProfileUpdated(profile: profile), subject: subject)
            }
        }
        // The locale may place them in a segment.
        if fields != nil { try await SegmentHandlers.reevaluate(customer, emitter: OutboxEmitter(context)) }
        return customer
    }

    @Sendable static func update(_ command: UpdateProfile, _ context: CommandContext) async throws {
        try validate(command.profile)
        let customer = try await CustomerRecords.resolve(command.customer, on: context.connection, logger: context.logger)
        try await CustomerRecords.update(customer, with: command.profile, on: context.connection, logger: context.logger)
        try await SegmentHandlers.reevaluate(customer, emitter: OutboxEmitter(context))
        let profile = try await CustomerRecords.profile(customer, on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.profileUpdated, ProfileUpdated(profile: profile), subject: profile.customerId)
    }

    @Sendable static func link(_ command: LinkIdentifier, _ context: CommandContext) async throws {
        let identifier = try IdentifierRules.normalised(command.identifier)
        let customer = try await CustomerRecords.resolve(command.customer, on: context.connection, logger: context.logger)
        let owners = try await CustomerRecords.owners(of: [identifier], on: context.connection, logger: context.logger)
        if let other = owners.first, other != customer {
            _ = try await merge([customer, other], context)
            return
        }
        guard owners.isEmpty else { return }  // already linked: nothing changes
        try await CustomerRecords.link(identifier, to: customer, channel: context.command.channel, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.identifierLinked, IdentifierLinked(customerId: subject, identifier: identifier), subject: subject)
    }

    @Sendable static func erase(_ command: EraseCustomer, _ context: CommandContext) async throws {
        let customer = try await CustomerRecords.resolve(command.customer, on: context.connection, logger: context.logger)
        _ = try await CustomerRecords.lockSummaries([customer], on: context.connection, logger: context.logger)
        let former = try await CustomerRecords.formerIds(of: customer, on: context.connection, logger: context.logger)
        try await CustomerRecords.erase(customer, formerIds: former, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.customerErased, CustomerErased(customerId: subject, formerIds: former.map { $0.uuidString.lowercased() }),
                               subject: subject)
    }

    /// Merges `ids` by the merge rules; returns the survivor.
    static func merge(_ ids: [UUID], _ context: CommandContext) async throws -> UUID {
        let summaries = try await CustomerRecords.lockSummaries(ids, on: context.connection, logger: context.logger)
        let plan = try MergeRules.plan(summaries)
        try await CustomerRecords.merge(plan, on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.customersMerged, CustomersMerged(survivorId: plan.survivorId, mergedIds: plan.mergedIds), subject: plan.survivorId)
        let survivor = UUID(uuidString: plan.survivorId)!
        try await SegmentHandlers.reevaluate(survivor, emitter: OutboxEmitter(context))
        try await timeline(survivor, context, kind: "merged", summary: "profiles \(plan.mergedIds.joined(separator: ", ")) merged into this one")
        return survivor
    }

    static func validate(_ profile: ProfileFields) throws(Rejection) {
        if let zone = profile.timeZone { try ContactRules.validateTimeZone(zone) }
        for address in profile.addresses ?? [] where address.street.isEmpty || address.city.isEmpty || address.country.count != 2 {
            throw Rejection("invalid-address", "an address needs a street, a city and a two-letter country code")
        }
    }

    static func timeline(_ customer: UUID, _ context: CommandContext, kind: String, summary: String) async throws {
        try await EngagementRecords.addToTimeline(customer, at: context.command.time, channel: context.command.channel, kind: kind, summary: summary,
                                                  reference: nil, messageID: context.command.id, on: context.connection, logger: context.logger)
    }
}
