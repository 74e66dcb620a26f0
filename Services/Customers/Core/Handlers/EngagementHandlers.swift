import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime

/// Consents (kept as history), contact preferences, loyalty points and channel touchpoints.
enum EngagementHandlers {
    @Sendable static func recordConsent(_ command: RecordConsent, _ context: CommandContext) async throws {
        guard !command.channel.isEmpty, !command.wordingVersion.isEmpty else {
            throw Rejection("missing-field", "a consent needs the channel where it was given and the wording version shown")
        }
        let customer = try await CustomerRecords.resolve(command.customer, on: context.connection, logger: context.logger)
        let time = command.recordedAt ?? context.command.time
        try await EngagementRecords.addConsent(customer, command, at: time, on: context.connection, logger: context.logger)
        let subject = customer.uuidString.lowercased()
        try await context.emit(CustomersType.consentChanged, ConsentChanged(
            customerId: subject, medium: command.medium, granted: command.granted, channel: command.channel,
            wordingVersion: command.wordingVersion, recordedAt: time), subject: subject)
        try await ProfileHandlers.timeline(customer, context, kind: "consent",
                                           summary: "\(command.granted ? "agreed to" : "refused") \(command.medium.rawValue) (wording \(command.wordingVersion))")
    }

    @Sendable static func setPreferences(_ command: SetContactPreferences, _ context: CommandContext) async throws {
        if let quiet = command.quietHours { try ContactRules.validate(quiet) }
        let customer = try await CustomerRecords.resolve(command.customer, on: context.connection, logger: context.logger)
        try await EngagementRecords.setPreferences(customer, medium: command.preferredMedium, quietHours: command.quietHours,
                                                   on: context.connection, logger: context.logger)
        let preferences = try await EngagementRecords.preferences(customer, on: context.connection, logger: context.logger)
        try await context.emit(CustomersType.contactPreferencesChanged, preferences, subject: preferences.customerId)
    }

    @Sendable static func adjustLoyalty(_ command: AdjustLoyalty, _ context: CommandContext) async throws {
        guard !command.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw Rejection("reason-required", "a points adjustment needs a reason") }
        try await book(command.customer, kind: .adjust, reference: command.reference, reason: command.reason, context) { balance throws(Rejection) in
            (command.points, try LoyaltyRules.adjust(command.points, balance: balance))
        }
    }

    @Sendable static func redeemLoyalty(_ command: RedeemLoyalty, _ context: CommandContext) async throws {
        try await book(command.customer, kind: .redeem, reference: command.reference, reason: "redeemed for \(command.reference)", context) { balance throws(Rejection) in
            // Checked before negating: `-Int.min` would trap.
            let remaining = try LoyaltyRules.redeem(command.points, balance: balance)
            return (-command.points, remaining)
        }
    }

    /// A points command: booked once per reference (a repeat is refused), on the timeline.
    static func book(_ reference: CustomerReference, kind: LoyaltyChanged.Kind, reference ledgerReference: String, reason: String,
                     _ context: CommandContext, _ rule: (Int) throws(Rejection) -> (points: Int, balance: Int)) async throws {
        guard !ledgerReference.isEmpty else { throw Rejection("missing-field", "points need a reference (order, sale, ticket)") }
        let customer = try await CustomerRecords.resolve(reference, on: context.connection, logger: context.logger)
        guard let points = try await book(customer, kind: kind, reference: ledgerReference, reason: reason, emitter: OutboxEmitter(context), rule) else {
            throw Rejection("already-booked", "\(kind.rawValue) for \(ledgerReference) was booked before")
        }
        try await ProfileHandlers.timeline(customer, context, kind: "loyalty", summary: "\(points > 0 ? "+" : "")\(points) points: \(reason)")
    }

    /// Books one ledger entry under the customer's lock, the points decided by `rule` from
    /// the balance, and announces it with `LoyaltyChanged`. Nil when this reference was
    /// booked before, or when `rule` gives no points: nothing changes then.
    static func book(_ customer: UUID, kind: LoyaltyChanged.Kind, reference: String, reason: String, emitter: OutboxEmitter,
                     _ rule: (Int) throws(Rejection) -> (points: Int, balance: Int)) async throws -> Int? {
        let connection = emitter.connection, logger = emitter.logger
        try await EngagementRecords.lockCustomer(customer, on: connection, logger: logger)
        let (points, newBalance) = try rule(try await EngagementRecords.balance(customer, on: connection, logger: logger))
        guard points != 0, try await EngagementRecords.book(customer, kind: kind, points: points, reason: reason, reference: reference,
                                                            on: connection, logger: logger) else { return nil }
        let subject = customer.uuidString.lowercased()
        try await emitter.emit(CustomersType.loyaltyChanged, LoyaltyChanged(
            customerId: subject, kind: kind, points: points, balance: newBalance, reason: reason, reference: reference), subject: subject)
        return points
    }

    /// A touchpoint from a channel: the person is found (or an anonymous profile started,
    /// whose entry channel this is) and the touchpoint lands on their timeline.
    @Sendable static func interaction(_ interaction: InteractionRecorded, _ context: CommandContext) async throws {
        guard !interaction.kind.isEmpty, !interaction.channel.isEmpty else { throw Rejection("missing-field", "an interaction needs a kind and a channel") }
        let identifier = try IdentifierRules.normalised(interaction.identifier)
        let customer: UUID
        if let owner = try await CustomerRecords.owners(of: [identifier], on: context.connection, logger: context.logger).first {
            customer = owner
        } else {
            customer = UUID()
            try await CustomerRecords.create(customer, entryChannel: interaction.channel, on: context.connection, logger: context.logger)
            try await CustomerRecords.link(identifier, to: customer, channel: interaction.channel, on: context.connection, logger: context.logger)
        }
        let details = (interaction.details ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        try await EngagementRecords.addToTimeline(customer, at: interaction.occurredAt ?? context.command.time, channel: interaction.channel,
                                                  kind: interaction.kind, summary: details.isEmpty ? interaction.kind : "\(interaction.kind) \(details)",
                                                  reference: nil, messageID: context.command.id, on: context.connection, logger: context.logger)
    }
}
