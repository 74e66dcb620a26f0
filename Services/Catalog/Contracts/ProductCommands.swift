import OmniMessaging
import Foundation

/// Creates or replaces a product (back office, PIM import).
public struct UpsertProduct: Codable, Sendable, Equatable {
    public var sku: String
    public var name: String
    public var description: String?
    public var category: String
    public var attributes: [String: String]?
    /// False hides the product from every channel without losing its history.
    public var active: Bool?

    public init(sku: String, name: String, description: String? = nil, category: String, attributes: [String: String]? = nil, active: Bool? = nil) {
        self.sku = sku
        self.name = name
        self.description = description
        self.category = category
        self.attributes = attributes
        self.active = active
    }
}

/// The full product after an upsert: enough for another service's read model.
public struct ProductUpserted: Codable, Sendable, Equatable {
    public var sku: String
    public var name: String
    public var description: String
    public var category: String
    public var attributes: [String: String]
    public var active: Bool
    public var version: Int

    public init(sku: String, name: String, description: String, category: String, attributes: [String: String], active: Bool, version: Int) {
        self.sku = sku
        self.name = name
        self.description = description
        self.category = category
        self.attributes = attributes
        self.active = active
        self.version = version
    }
}

/// Sets one entry of a channel's price list; `storeId` when a store differs from its channel.
/// `channel` is a `SalesChannel` or `default` (the list every channel falls back to).
public struct SetPrice: Codable, Sendable, Equatable {
    public var sku: String
    public var channel: String
    public var storeId: String?
    public var currency: String
    public var amountMinor: Int64
    public var validFrom: Date?
    public var validTo: Date?

    public init(sku: String, channel: String, storeId: String? = nil, currency: String, amountMinor: Int64, validFrom: Date? = nil, validTo: Date? = nil) {
        self.sku = sku
        self.channel = channel
        self.storeId = storeId
        self.currency = currency
        self.amountMinor = amountMinor
        self.validFrom = validFrom
        self.validTo = validTo
    }
}

public struct PriceChanged: Codable, Sendable, Equatable {
    public var sku: String
    public var channel: String
    public var storeId: String?
    public var currency: String
    public var amountMinor: Int64
    public var validFrom: Date?
    public var validTo: Date?
    /// The amount this entry had before, when it replaced one.
    public var previousAmountMinor: Int64?

    public init(sku: String, channel: String, storeId: String?, currency: String, amountMinor: Int64, validFrom: Date?, validTo: Date?, previousAmountMinor: Int64?) {
        self.sku = sku
        self.channel = channel
        self.storeId = storeId
        self.currency = currency
        self.amountMinor = amountMinor
        self.validFrom = validFrom
        self.validTo = validTo
        self.previousAmountMinor = previousAmountMinor
    }
}

