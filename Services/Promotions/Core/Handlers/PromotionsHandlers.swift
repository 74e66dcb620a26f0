import CustomersContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OmniPersistence
import OrdersContracts
import PostgresNIO
import PromotionsContracts

/// Every command on `promotions.commands`.
enum PromotionsHandlers {
    static func all() -> EventHandlers {
        var handlers = EventHandlers()
        handlers.command(PromotionsType.upsertPromotion, as: Promotion.self, service: .promotions, upsert)
        handlers.command(PromotionsType.applyPromotions, as: ApplyPromotions.self, service: .promotions, RedemptionHandlers.apply)
        handlers.command(PromotionsType.commitRedemptions, as: CommitRedemptions.self, service: .promotions, RedemptionHandlers.commit)
        handlers.command(PromotionsType.releaseRedemptions, as: ReleaseRedemptions.self, service: .promotions, RedemptionHandlers.release)
        handlers.command(PromotionsType.generateCodes, as: GenerateCodes.self, service: .promotions, generateCodes)

        // Customers: segments for targeting; merges and erasures.
        handlers.on(CustomersType.segmentMembershipChanged) { event, context in
            try await SegmentMembers.apply(try event.decode(SegmentMembershipChanged.self), on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.customersMerged) { event, context in
            try await SegmentMembers.merge(try event.decode(CustomersMerged.self), on: context.connection, logger: context.logger)
        }
        handlers.on(CustomersType.customerErased) { event, context in
            try await SegmentMembers.erase(try event.decode(CustomerErased.self), on: context.connection, logger: context.logger)
        }
        // Orders: a confirmed order's held uses count for good (the saga sends no
        // `CommitRedemptions` for it: one message less per order).
        handlers.on(OrdersType.orderConfirmed) { event, context in
            try await RedemptionHandlers.confirmed(event, context)
        }
        return handlers
    }

    static func upsert(_ promotion: Promotion, _ context: CommandContext) async throws {
        let problems = promotion.problems
        guard problems.isEmpty else { throw Rejection("invalid-promotion", problems.joined(separator: "; ")) }
        if let channels = promotion.channels, let unknown = channels.first(where: { SalesChannel(rawValue: $0) == nil }) {
            throw Rejection("unknown-channel", "unknown channel \(unknown)")
        }
        if let code = promotion.code.map(Promotion.normalise(code:)),
           let owner = try await PromotionRecords.promotionId(forCode: code, on: context.connection, logger: context.logger), owner != promotion.promotionId {
            throw Rejection("code-taken", "code \(code) belongs to promotion \(owner)")
        }
        let version = try await PromotionRecords.upsert(promotion, on: context.connection, logger: context.logger)
        try await context.emit(PromotionsType.promotionUpserted, PromotionUpserted(promotion: promotion, version: version), subject: promotion.promotionId)
    }
}

extension PromotionsHandlers {
    /// A batch of single-use codes; the same batch id answers the same batch.
    static func generateCodes(_ command: GenerateCodes, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.batchId.isEmpty, !command.promotionId.isEmpty else { throw Rejection("missing-field", "batchId and promotionId are required") }
        if let earlier = try await UniqueCodeRecords.batch(command.batchId, on: connection, logger: logger) {
            guard earlier.promotionId == command.promotionId else { throw Rejection("batch-id-taken", "batch \(command.batchId) belongs to \(earlier.promotionId)") }
            try await context.emit(PromotionsType.codesGenerated, earlier, subject: command.promotionId)
            return
        }
        guard (1...UniqueCode.maximumBatch).contains(command.count) else {
            throw Rejection("invalid-count", "a batch holds from 1 to \(UniqueCode.maximumBatch) codes")
        }
        guard let (promotion, _) = try await PromotionRecords.find(command.promotionId, on: connection, logger: logger) else {
            throw Rejection("unknown-promotion", "no promotion \(command.promotionId)")
        }
        guard promotion.uniqueCodes == true else {
            throw Rejection("not-unique-codes", "\(promotion.name) is not a single-use code promotion (set uniqueCodes)")
        }
        try await UniqueCodeRecords.generate(command, on: connection, logger: logger)
        try await context.emit(PromotionsType.codesGenerated, CodesGenerated(batchId: command.batchId, promotionId: command.promotionId, count: command.count),
                               subject: command.promotionId)
    }
}

/// The order saga's side in promotions: evaluate and hold, commit, release.
enum RedemptionHandlers {
    static func apply(_ command: ApplyPromotions, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.orderId.isEmpty else { throw Rejection("missing-field", "orderId is required") }
        guard SalesChannel(rawValue: command.basket.channel) != nil else { throw Rejection("unknown-channel", "unknown channel \(command.basket.channel)") }
        guard command.basket.lines.allSatisfy({ $0.quantity > 0 && $0.unitPriceMinor >= 0 }) else {
            throw Rejection("invalid-basket", "every line needs a quantity above 0 and a price of 0 or more")
        }
        if let problem = command.basket.pricingProblem { throw Rejection("invalid-basket", problem) }
        let read = try await ApplicationRecords.findWithSegments(command.orderId, customerId: command.basket.customerId, on: connection, logger: logger)
        if let previous = read.previous {
            // Asked again (a retry, a redelivery with a new id): the same answer, nothing counted twice.
            if let answer = previous.answer {
                try await context.emit(answer.type, json: answer.data, subject: command.orderId)
            } else {
                try await context.emit(PromotionsType.promotionsRejected, PromotionsRejected(
                    orderId: command.orderId, rejections: [], message: "the order's promotions were already released"), subject: command.orderId)
            }
            return
        }
        let evaluation = try await Evaluation.run(command.basket, codes: command.codes, segments: read.segments, lockingLimits: true, on: connection, logger: logger)
        if !evaluation.rejections.isEmpty {
            let rejected = PromotionsRejected(orderId: command.orderId, rejections: evaluation.rejections,
                                              message: evaluation.rejections.map(\.message).joined(separator: "; "))
            let answer = ApplicationRecords.Answer(type: PromotionsType.promotionsRejected, data: Array(try JSONCoding.encoder.encode(rejected)))
            try await ApplicationRecords.insert(command.orderId, status: "rejected", basket: command.basket, answer: answer, on: connection, logger: logger)
            try await context.emit(PromotionsType.promotionsRejected, json: answer.data, subject: command.orderId)
            return
        }
        let applied = PromotionsApplied(orderId: command.orderId, pricing: evaluation.pricing)
        // Encoded once: the same bytes are stored for a retry and sent.
        let answer = ApplicationRecords.Answer(type: PromotionsType.promotionsApplied, data: Array(try JSONCoding.encoder.encode(applied)))
        try await ApplicationRecords.insertApplied(applied, answer: answer, basket: command.basket, cause: context.command, on: connection, logger: logger)
        try await context.emit(PromotionsType.promotionsApplied, json: answer.data, subject: command.orderId)
    }

    static func commit(_ command: CommitRedemptions, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        guard let application = try await ApplicationRecords.commit(command.orderId, on: connection, logger: logger) else {
            throw Rejection("unknown-order", "no promotions were applied to order \(command.orderId)")
        }
        guard application.status != "released" else { throw Rejection("redemptions-released", "order \(command.orderId)'s promotions were released") }
        // The answer says what this commit counted (nothing when a confirmation did it first).
        try await context.emit(PromotionsType.redemptionsCommitted,
                               RedemptionsCommitted(orderId: command.orderId, redemptions: application.committed.count, customerId: application.customerId,
                                                    channel: application.channel, promotions: application.committed),
                               subject: command.orderId)
    }

    /// An order confirmed: what its promotions held is committed, as `CommitRedemptions`
    /// does, and nothing is said: the confirmation itself names the promotions the order
    /// used (`OrderSnapshot.promotions`), which is what customers puts on the timeline. Once:
    /// a repeated confirmation (a retried `PlaceOrder` is answered with it again) or one
    /// after a `CommitRedemptions` finds the application committed already.
    static func confirmed(_ event: CloudEvent, _ context: HandlerContext) async throws {
        let orderId = try event.subject ?? event.decode(OrderEvent.self).order.orderId
        _ = try await ApplicationRecords.commit(orderId, on: context.connection, logger: context.logger)
    }

    /// Gives the uses back (rejection, cancellation, expiry). An order never applied gets a
    /// `released` row, so an `ApplyPromotions` arriving late holds nothing.
    static func release(_ command: ReleaseRedemptions, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        let count = try await connection.run("""
            WITH released AS (UPDATE redemptions SET status = 'released' WHERE order_id = \(command.orderId) AND status <> 'released' RETURNING 1)
            SELECT count(*)::int FROM released
            """, logger: logger).decode(Int.self).first { _ in true } ?? 0
        if try await ApplicationRecords.find(command.orderId, on: connection, logger: logger) == nil {
            try await ApplicationRecords.insert(command.orderId, status: "released", basket: nil, answer: nil, on: connection, logger: logger)
        } else {
            try await ApplicationRecords.setStatus(command.orderId, "released", on: connection, logger: logger)
        }
        try await context.emit(PromotionsType.redemptionsReleased, RedemptionsReleased(orderId: command.orderId, reason: command.reason, redemptions: count),
                               subject: command.orderId)
    }
}

/// The engine plus the usage ledger: promotions over their limits are excluded (a code
/// over its limit is a refusal), and with `lockingLimits` the counts hold until commit.
struct Evaluation {
    var pricing: Pricing
    var rejections: [CodeRejection]

    /// `segments`: the customer's, when the caller read them already.
    static func run(_ asked: Basket, codes: [String], segments known: [String]? = nil, lockingLimits: Bool, on connection: PostgresConnection,
                    logger: Logger) async throws -> Evaluation {
        var basket = asked
        basket.segments = []
        if let known {
            basket.segments = known
        } else if let customerId = basket.customerId {
            basket.segments = try await SegmentMembers.segments(of: customerId, on: connection, logger: logger)
        }
        var promotions = try await PromotionRecords.active(on: connection, logger: logger)
        // Single-use codes stand for their promotion; one already used is refused.
        var excluded: [String: NotAppliedPromotion] = [:]
        let shared = Set(promotions.compactMap { $0.code.map(Promotion.normalise(code:)) })
        let requested = Array(Set(codes.map(Promotion.normalise(code:)).filter { !$0.isEmpty && !shared.contains($0) })).sorted()
        if !requested.isEmpty {
            for (code, promotionId) in try await UniqueCodeRecords.resolve(requested, locking: lockingLimits, on: connection, logger: logger).sorted(by: { $0.key < $1.key }) {
                guard var single = promotions.first(where: { $0.promotionId == promotionId && $0.uniqueCodes == true }) else { continue }
                single.code = code
                promotions.append(single)
                if try await UniqueCodeRecords.isUsed(code, on: connection, logger: logger) {
                    excluded[promotionId] = NotAppliedPromotion(promotionId: promotionId, code: code, reasonCode: "code-already-used",
                                                                explanation: "\(code) was already used")
                }
            }
        }
        var pricing = PricingEngine.price(basket, promotions: promotions, codes: codes, excluded: excluded)
        // Limited promotions that applied, once each (a single-use code's copy shares its promotion's id).
        let applied = Set(pricing.applied.map(\.promotionId))
        var seen: Set<String> = []
        let limited = promotions.filter { promotion in
            (promotion.usageLimit != nil || promotion.perCustomerLimit != nil) && applied.contains(promotion.promotionId) && seen.insert(promotion.promotionId).inserted
        }
        if !limited.isEmpty {
            if lockingLimits { try await PromotionRecords.lock(limited.map(\.promotionId), on: connection, logger: logger) }
            var overLimit = false
            for promotion in limited {
                let uses = try await PromotionRecords.uses(of: promotion.promotionId, customerId: basket.customerId, on: connection, logger: logger)
                if let refusal = UsageLimits.refusal(promotion, totalUses: uses.total, customerUses: uses.customer, customerId: basket.customerId) {
                    excluded[promotion.promotionId] = refusal
                    overLimit = true
                }
            }
            if overLimit { pricing = PricingEngine.price(basket, promotions: promotions, codes: codes, excluded: excluded) }
        }
        let rejections = pricing.notApplied.compactMap { notApplied -> CodeRejection? in
            guard let code = notApplied.code, UsageLimits.refusingReasons.contains(notApplied.reasonCode) else { return nil }
            return CodeRejection(code: code, reasonCode: notApplied.reasonCode, message: notApplied.explanation)
        }
        return Evaluation(pricing: pricing, rejections: rejections)
    }
}
