import OmniMessaging
import Foundation

/// A personalised B2B quote for a customer or a lead: lines at the channel's prices with
/// the promotions that apply, valid until a date (key: the quote id).
public struct CreateQuote: Codable, Sendable, Equatable {
    public var quoteId: String
    public var channel: String
    public var customerId: String?
    public var leadId: String?
    public var lines: [OrderLineRequest]
    public var promoCodes: [String]?
    public var validUntil: Date
    /// Who receives it (notifications send `QuoteIssued`).
    public var contact: OrderContact?
    public var note: String?
    public init(quoteId: String, channel: String, customerId: String? = nil, leadId: String? = nil, lines: [OrderLineRequest], promoCodes: [String]? = nil,
                validUntil: Date, contact: OrderContact? = nil, note: String? = nil) {
        self.quoteId = quoteId
        self.channel = channel
        self.customerId = customerId
        self.leadId = leadId
        self.lines = lines
        self.promoCodes = promoCodes
        self.validUntil = validUntil
        self.contact = contact
        self.note = note
    }
}

/// Turns an open quote into an order at the quoted prices, from any channel.
public struct ConvertQuote: Codable, Sendable, Equatable {
    public var quoteId: String
    public var orderId: String
    public var channel: String
    public var storeId: String?
    public var fulfilment: OrderFulfilment
    public var contact: OrderContact?
    public var paymentReference: String
    public init(quoteId: String, orderId: String, channel: String, storeId: String? = nil, fulfilment: OrderFulfilment, contact: OrderContact? = nil,
                paymentReference: String) {
        self.quoteId = quoteId
        self.orderId = orderId
        self.channel = channel
        self.storeId = storeId
        self.fulfilment = fulfilment
        self.contact = contact
        self.paymentReference = paymentReference
    }
}

/// A quote as every quote event carries it.
public struct QuoteSnapshot: Codable, Sendable, Equatable {
    public var quoteId: String
    /// `open`, `converted`, `expired`.
    public var status: String
    public var channel: String
    public var customerId: String?
    public var leadId: String?
    public var currency: String
    public var lines: [OrderLine]
    public var promoCodes: [String]
    public var subtotalMinor: Int64
    public var discountMinor: Int64
    public var totalMinor: Int64
    public var validUntil: Date
    public var contact: OrderContact?
    public var note: String?
    public var orderId: String?
    public init(quoteId: String, status: String, channel: String, customerId: String?, leadId: String?, currency: String, lines: [OrderLine],
                promoCodes: [String], subtotalMinor: Int64, discountMinor: Int64, totalMinor: Int64, validUntil: Date, contact: OrderContact?,
                note: String?, orderId: String?) {
        self.quoteId = quoteId
        self.status = status
        self.channel = channel
        self.customerId = customerId
        self.leadId = leadId
        self.currency = currency
        self.lines = lines
        self.promoCodes = promoCodes
        self.subtotalMinor = subtotalMinor
        self.discountMinor = discountMinor
        self.totalMinor = totalMinor
        self.validUntil = validUntil
        self.contact = contact
        self.note = note
        self.orderId = orderId
    }
}

/// `QuoteIssued`, `QuoteConverted` (with the order id), `QuoteExpired`.
public struct QuoteEvent: Codable, Sendable, Equatable {
    public var quote: QuoteSnapshot
    public init(quote: QuoteSnapshot) { self.quote = quote }
}

// A channel places these only as itself, at its own store (`ChannelSource`).
extension CreateQuote: ActsForChannel { public var actingChannel: String? { channel } }
extension ConvertQuote: ActsForChannel { public var actingChannel: String? { channel }; public var actingStore: String? { storeId } }
