import CatalogContracts
import Foundation
import OmniMessaging
import OmniRuntime
import OrdersContracts

/// B2B quotes: priced like an order (catalog's prices, the shared promotions engine),
/// sent through notifications (`QuoteIssued`), convertible into an order from any channel
/// at the quoted prices until they expire.
enum QuoteHandlers {
    /// The longest a quote may be valid.
    static let longestValidity: TimeInterval = 90 * 24 * 3600

    static func create(_ command: CreateQuote, _ context: CommandContext) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.quoteId.isEmpty else { throw Rejection("missing-field", "quoteId is required") }
        guard command.customerId != nil || command.leadId != nil else { throw Rejection("missing-field", "a quote is for a customerId or a leadId") }
        if let existing = try await QuoteRecords.find(command.quoteId, on: connection, logger: logger) {
            try await context.emit(OrdersType.quoteIssued, QuoteEvent(quote: existing), subject: command.quoteId)
            return
        }
        guard let channel = SalesChannel(rawValue: command.channel) else { throw Rejection("unknown-channel", "unknown channel \(command.channel)") }
        let now = Date()
        guard command.validUntil > now, command.validUntil.timeIntervalSince(now) <= longestValidity else {
            throw Rejection("invalid-validity", "validUntil must be in the future and within 90 days")
        }
        let products = try await CatalogReadModel.products(command.lines.map(\.sku), on: connection, logger: logger)
        let priced: OrderPricing.Priced
        switch OrderPricing.price(command.lines, products: products, channel: channel.rawValue, storeId: nil, at: now) {
        case .success(let value): priced = value
        case .failure(let refusal): throw Rejection(refusal.code, refusal.message)
        }
        let codes = Array(Set((command.promoCodes ?? []).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })).sorted()
        let promotions = try await QuoteRecords.promotions(on: connection, logger: logger)
        let discounted = QuotePricing.price(priced.lines, currency: priced.currency, channel: channel.rawValue, customerId: command.customerId,
                                            codes: codes, promotions: promotions, at: now)
        if let refused = discounted.refusedCodes.first {
            throw Rejection("code-refused", "\(refused.code) cannot be used on this quote (\(refused.reason))")
        }
        // A quote for a lead is its person's: its order converts the lead and lands on their history.
        var customerId = command.customerId
        if customerId == nil, let leadId = command.leadId {
            guard let owner = try await QuoteRecords.customer(ofLead: leadId, on: connection, logger: logger) else {
                throw Rejection("unknown-lead", "no lead \(leadId) was routed (submit it first; retry if it was just submitted)")
            }
            customerId = owner
        }
        let quote = QuoteSnapshot(quoteId: command.quoteId, status: "open", channel: channel.rawValue, customerId: customerId, leadId: command.leadId,
                                  currency: priced.currency, lines: discounted.lines, promoCodes: codes, subtotalMinor: priced.subtotalMinor,
                                  discountMinor: discounted.discountMinor, totalMinor: priced.subtotalMinor - discounted.discountMinor,
                                  validUntil: command.validUntil, contact: command.contact, note: command.note, orderId: nil)
        try await QuoteRecords.save(quote, cause: context.command, on: connection, logger: logger)
        try await context.emit(OrdersType.quoteIssued, QuoteEvent(quote: quote), subject: command.quoteId)
        // The quoted goods are held until the quote expires (catalog releases them then),
        // and the order it becomes takes the hold over.
        try await OutboxEmitter(context).send(CatalogType.reserveStock, ReserveStock(
            reservationId: Self.holdId(command.quoteId), orderId: command.quoteId, channel: channel.rawValue,
            lines: quote.lines.map { SkuQuantity(sku: $0.sku, quantity: $0.quantity) }, fulfilment: .delivery(to: nil),
            holdSeconds: max(1, Int(command.validUntil.timeIntervalSince(now).rounded(.up))), source: HoldSource(kind: .quote, id: command.quoteId)),
            to: .catalog, subject: command.quoteId)
    }

    /// The catalog reservation holding a quote's goods.
    static func holdId(_ quoteId: String) -> String { "quote-\(quoteId)" }

    /// The order is placed at the quoted prices (its saga reserves stock and counts the codes).
    static func convert(_ command: ConvertQuote, _ context: CommandContext, policy: OrdersPolicy) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.quoteId.isEmpty, !command.orderId.isEmpty else { throw Rejection("missing-field", "quoteId and orderId are required") }
        guard var quote = try await QuoteRecords.lock(command.quoteId, on: connection, logger: logger) else {
            throw Rejection("unknown-quote", "no quote \(command.quoteId)")
        }
        if quote.status == "converted" {
            guard quote.orderId == command.orderId else { throw Rejection("quote-converted", "quote \(quote.quoteId) became order \(quote.orderId ?? "")") }
            try await context.emit(OrdersType.quoteConverted, QuoteEvent(quote: quote), subject: quote.quoteId)
            return
        }
        guard quote.status == "open", quote.validUntil > Date() else { throw Rejection("quote-expired", "quote \(quote.quoteId) expired") }
        let order = PlaceOrder(orderId: command.orderId, channel: command.channel, storeId: command.storeId, customerId: quote.customerId,
                               lines: quote.lines.map { OrderLineRequest(sku: $0.sku, quantity: $0.quantity) }, promoCodes: quote.promoCodes,
                               fulfilment: command.fulfilment, contact: command.contact ?? quote.contact, paymentReference: command.paymentReference)
        let agreed = Dictionary(quote.lines.map { ($0.sku, $0.unitPriceMinor) }, uniquingKeysWith: { first, _ in first })
        guard try await PlaceOrderHandler.place(order, context, policy: policy, agreedPrices: agreed, replacingHold: Self.holdId(quote.quoteId)) else { return }
        quote.status = "converted"
        quote.orderId = command.orderId
        try await QuoteRecords.save(quote, on: connection, logger: logger)
        try await context.emit(OrdersType.quoteConverted, QuoteEvent(quote: quote), subject: quote.quoteId)
    }
}
