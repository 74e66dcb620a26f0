import OmniMessaging
/// A campaign: one marketing message per customer, from `template` in each customer's
/// language (or `locale` for all), with `values` for the template. Consent, the weekly cap
/// and quiet hours apply to each; a customer is sent a campaign's template once.
public struct SendNotification: Codable, Sendable, Equatable {
    public var campaignId: String
    public var template: String
    public var customerIds: [String]
    public var locale: String?
    public var values: [String: String]?
    public init(campaignId: String, template: String, customerIds: [String], locale: String? = nil, values: [String: String]? = nil) {
        self.campaignId = campaignId
        self.template = template
        self.customerIds = customerIds
        self.locale = locale
        self.values = values
    }
}

/// What a campaign became at once: queued per medium (some deferred to quiet hours' end)
/// and suppressed per reason. Each message then reports on its own.
public struct CampaignQueued: Codable, Sendable, Equatable {
    public var campaignId: String
    public var queued: Int
    public var deferred: Int
    public var suppressed: [String: Int]
    /// Customers this campaign already had a message for (the command sent again).
    public var alreadyRequested: Int
    public init(campaignId: String, queued: Int, deferred: Int, suppressed: [String: Int], alreadyRequested: Int) {
        self.campaignId = campaignId
        self.queued = queued
        self.deferred = deferred
        self.suppressed = suppressed
        self.alreadyRequested = alreadyRequested
    }
}

/// Tell `customerId` once when `sku` is available again: at `storeId`, or online.
public struct SubscribeBackInStock: Codable, Sendable, Equatable {
    public var customerId: String
    public var sku: String
    public var storeId: String?
    public var channel: String
    public init(customerId: String, sku: String, storeId: String? = nil, channel: String) {
        self.customerId = customerId
        self.sku = sku
        self.storeId = storeId
        self.channel = channel
    }
}

public struct BackInStockSubscribed: Codable, Sendable, Equatable {
    public var customerId: String
    public var sku: String
    public var storeId: String?
    public init(customerId: String, sku: String, storeId: String?) {
        self.customerId = customerId
        self.sku = sku
        self.storeId = storeId
    }
}

/// The person behind a lead assignee (customers' `LeadAssignee`: kind and id).
public struct SetAssigneeContact: Codable, Sendable, Equatable {
    public var kind: String
    public var id: String
    public var name: String
    public var email: String?
    public var phone: String?
    public init(kind: String, id: String, name: String, email: String? = nil, phone: String? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
    }
}

// A channel places these only as itself, at its own store (`ChannelSource`).
extension SubscribeBackInStock: ActsForChannel { public var actingChannel: String? { channel }; public var actingStore: String? { storeId } }
