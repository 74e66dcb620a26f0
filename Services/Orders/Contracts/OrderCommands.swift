import OmniMessaging
import Foundation

/// Where an order's goods go.
public struct OrderFulfilment: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Home delivery to `address`.
        case delivery
        /// Click & collect at `storeId`.
        case pickup
        /// Bought at the till of `storeId` (the order's store when not given) and taken away.
        case inStore = "in-store"
    }
    public var mode: Mode
    public var storeId: String?
    public var address: DeliveryAddress?
    public init(mode: Mode, storeId: String? = nil, address: DeliveryAddress? = nil) {
        self.mode = mode
        self.storeId = storeId
        self.address = address
    }
}

public struct DeliveryAddress: Codable, Sendable, Equatable {
    public var name: String?
    public var street: String
    public var postalCode: String
    public var city: String
    public var country: String
    public var latitude: Double?
    public var longitude: Double?
    public init(name: String? = nil, street: String, postalCode: String, city: String, country: String, latitude: Double? = nil, longitude: Double? = nil) {
        self.name = name
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// How to reach the buyer about this order (a guest has no profile).
public struct OrderContact: Codable, Sendable, Equatable {
    public var firstName: String?
    public var email: String?
    public var phone: String?
    public init(firstName: String? = nil, email: String? = nil, phone: String? = nil) {
        self.firstName = firstName
        self.email = email
        self.phone = phone
    }
}

public struct OrderLineRequest: Codable, Sendable, Equatable {
    public var sku: String
    public var quantity: Int
    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// Places an order from any channel. `orderId` is chosen by the channel, so a retried
/// command never makes two orders. Without `lines`, the owner's cart is checked out.
public struct PlaceOrder: Codable, Sendable, Equatable {
    public var orderId: String
    public var channel: String
    /// The store a POS, kiosk or tablet stands in (its prices apply).
    public var storeId: String?
    public var customerId: String?
    public var cartOwnerId: String?
    public var lines: [OrderLineRequest]?
    public var promoCodes: [String]?
    public var fulfilment: OrderFulfilment
    public var contact: OrderContact?
    public var paymentReference: String
    /// Loyalty points of `customerId` that pay part of the order (the same value on every
    /// channel); refused with a reason when the balance is short.
    public var loyaltyPoints: Int?
    public init(orderId: String, channel: String, storeId: String? = nil, customerId: String? = nil, cartOwnerId: String? = nil,
                lines: [OrderLineRequest]? = nil, promoCodes: [String]? = nil, fulfilment: OrderFulfilment,
                contact: OrderContact? = nil, paymentReference: String, loyaltyPoints: Int? = nil) {
        self.orderId = orderId
        self.channel = channel
        self.storeId = storeId
        self.customerId = customerId
        self.cartOwnerId = cartOwnerId
        self.lines = lines
        self.promoCodes = promoCodes
        self.fulfilment = fulfilment
        self.contact = contact
        self.paymentReference = paymentReference
        self.loyaltyPoints = loyaltyPoints
    }
}

/// Holds goods at a store for a short time, without an order: the cart of `cartOwnerId`
/// ("reserve in store" from the app) or the given `lines` (an associate holding for a
/// customer). The hold expires by itself (`holdSeconds`, at most the shop's
/// `OMNI_ORDERS_HOLD_MAX_SECONDS`); the stock view shows it apart, with its source.
public struct HoldStock: Codable, Sendable, Equatable {
    public var holdId: String
    public var storeId: String
    public var cartOwnerId: String?
    public var lines: [OrderLineRequest]?
    public var customerId: String?
    public var holdSeconds: Int?
    public init(holdId: String, storeId: String, cartOwnerId: String? = nil, lines: [OrderLineRequest]? = nil, customerId: String? = nil,
                holdSeconds: Int? = nil) {
        self.holdId = holdId
        self.storeId = storeId
        self.cartOwnerId = cartOwnerId
        self.lines = lines
        self.customerId = customerId
        self.holdSeconds = holdSeconds
    }
}

/// The hold was asked of catalog (its `StockReserved` or `StockReservationFailed` follows,
/// with the hold id as `orderId`).
public struct StockHoldRequested: Codable, Sendable, Equatable {
    public var holdId: String
    public var reservationId: String
    /// `cart` or `associate`.
    public var source: String
    public var sourceId: String
    public var storeId: String
    public var customerId: String?
    public var lines: [OrderLineRequest]
    public var expiresAt: Date
    public init(holdId: String, reservationId: String, source: String, sourceId: String, storeId: String, customerId: String?,
                lines: [OrderLineRequest], expiresAt: Date) {
        self.holdId = holdId
        self.reservationId = reservationId
        self.source = source
        self.sourceId = sourceId
        self.storeId = storeId
        self.customerId = customerId
        self.lines = lines
        self.expiresAt = expiresAt
    }
}

/// A line as ordered: priced from the catalog's price list for the channel and store.
public struct OrderLine: Codable, Sendable, Equatable {
    public var lineId: String
    public var sku: String
    public var name: String
    public var category: String
    public var quantity: Int
    public var unitPriceMinor: Int64
    public var discountMinor: Int64
    public init(lineId: String, sku: String, name: String, category: String, quantity: Int, unitPriceMinor: Int64, discountMinor: Int64 = 0) {
        self.lineId = lineId
        self.sku = sku
        self.name = name
        self.category = category
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
        self.discountMinor = discountMinor
    }
    public var totalMinor: Int64 { unitPriceMinor * Int64(quantity) - discountMinor }
}

/// A promotion the order used, as promotions applied it: the confirmation names them, so
/// the customer's timeline says what took what off without a message of promotions' own.
public struct OrderPromotion: Codable, Sendable, Equatable {
    public var promotionId: String
    public var name: String
    public var code: String?
    public var discountMinor: Int64
    public init(promotionId: String, name: String, code: String?, discountMinor: Int64) {
        self.promotionId = promotionId
        self.name = name
        self.code = code
        self.discountMinor = discountMinor
    }
}

/// The order as every event carries it, so other services need no read-back.
public struct OrderSnapshot: Codable, Sendable, Equatable {
    public var orderId: String
    public var status: String
    public var channel: String
    public var storeId: String?
    public var customerId: String?
    public var currency: String
    public var lines: [OrderLine]
    public var promoCodes: [String]
    public var fulfilment: OrderFulfilment
    public var contact: OrderContact?
    public var subtotalMinor: Int64
    public var discountMinor: Int64
    /// What the customer pays in money: the subtotal less the discounts and what points paid.
    public var totalMinor: Int64
    public var placedAt: Date
    /// Loyalty points the order spends, and what they pay (in `totalMinor`'s currency).
    public var loyaltyPoints: Int?
    public var loyaltyValueMinor: Int64?
    /// The promotions applied (absent when none, or before promotions answered).
    public var promotions: [OrderPromotion]?
    public init(orderId: String, status: String, channel: String, storeId: String?, customerId: String?, currency: String,
                lines: [OrderLine], promoCodes: [String], fulfilment: OrderFulfilment, contact: OrderContact?,
                subtotalMinor: Int64, discountMinor: Int64, totalMinor: Int64, placedAt: Date, loyaltyPoints: Int? = nil, loyaltyValueMinor: Int64? = nil,
                promotions: [OrderPromotion]? = nil) {
        self.orderId = orderId
        self.status = status
        self.channel = channel
        self.storeId = storeId
        self.customerId = customerId
        self.currency = currency
        self.lines = lines
        self.promoCodes = promoCodes
        self.fulfilment = fulfilment
        self.contact = contact
        self.subtotalMinor = subtotalMinor
        self.discountMinor = discountMinor
        self.totalMinor = totalMinor
        self.placedAt = placedAt
        self.loyaltyPoints = loyaltyPoints
        self.loyaltyValueMinor = loyaltyValueMinor
        self.promotions = promotions
    }
}

/// OrderConfirmed, OrderPickedUp, OrderShipped, OrderDelivered: the order as
/// it stands after the step.
public struct OrderEvent: Codable, Sendable, Equatable {
    public var order: OrderSnapshot
    public init(order: OrderSnapshot) { self.order = order }
}

/// The order could not be taken: nothing is held for it any more.
public struct OrderRejected: Codable, Sendable, Equatable {
    public var orderId: String
    public var customerId: String?
    public var channel: String
    /// `unknown-sku`, `no-price`, `insufficient-stock`, `no-click-and-collect`, `unknown-store`,
    /// `promotion-rejected`, `timeout`, ...
    public var reasonCode: String
    /// Something a channel can show to the customer.
    public var message: String
    public var details: [String]
    /// The points the order was to spend (customers gives back what it held for them).
    public var loyaltyPoints: Int?
    public init(orderId: String, customerId: String?, channel: String, reasonCode: String, message: String, details: [String] = [],
                loyaltyPoints: Int? = nil) {
        self.orderId = orderId
        self.customerId = customerId
        self.channel = channel
        self.reasonCode = reasonCode
        self.message = message
        self.details = details
        self.loyaltyPoints = loyaltyPoints
    }
}

/// Lifecycle commands after confirmation, from a store, a warehouse or a carrier.
public struct OrderStep: Codable, Sendable, Equatable {
    public var orderId: String
    /// Shipping: the carrier's tracking number. Pickup: the code the customer shows.
    public var reference: String?
    public init(orderId: String, reference: String? = nil) {
        self.orderId = orderId
        self.reference = reference
    }
}

public struct CancelOrder: Codable, Sendable, Equatable {
    public var orderId: String
    public var reason: String
    public init(orderId: String, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

/// The order is waiting at the store: the customer shows `pickupCode` (or the QR code
/// whose content is `qrPayload`).
public struct OrderReadyForPickup: Codable, Sendable, Equatable {
    public var order: OrderSnapshot
    public var pickupCode: String
    public var qrPayload: String
    public var collectBy: Date
    public init(order: OrderSnapshot, pickupCode: String, qrPayload: String, collectBy: Date) {
        self.order = order
        self.pickupCode = pickupCode
        self.qrPayload = qrPayload
        self.collectBy = collectBy
    }
}

public struct OrderCancelled: Codable, Sendable, Equatable {
    public var order: OrderSnapshot
    /// `customer-request`, `not-collected`, or the caller's reason.
    public var reason: String
    public init(order: OrderSnapshot, reason: String) {
        self.order = order
        self.reason = reason
    }
}

// A channel places these only as itself, at its own store (`ChannelSource`).
extension PlaceOrder: ActsForChannel { public var actingChannel: String? { channel }; public var actingStore: String? { storeId } }
