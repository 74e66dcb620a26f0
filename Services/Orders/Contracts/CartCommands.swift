import Foundation

/// Adds units of a sku to the owner's cart (a customer id, or an anonymous session id
/// before login). The same cart is served to every channel.
public struct AddCartItem: Codable, Sendable, Equatable {
    public var ownerId: String
    public var sku: String
    public var quantity: Int
    public init(ownerId: String, sku: String, quantity: Int) {
        self.ownerId = ownerId
        self.sku = sku
        self.quantity = quantity
    }
}

/// Sets a line's quantity; 0 removes the line.
public struct SetCartItemQuantity: Codable, Sendable, Equatable {
    public var ownerId: String
    public var sku: String
    public var quantity: Int
    public init(ownerId: String, sku: String, quantity: Int) {
        self.ownerId = ownerId
        self.sku = sku
        self.quantity = quantity
    }
}

public struct RemoveCartItem: Codable, Sendable, Equatable {
    public var ownerId: String
    public var sku: String
    public init(ownerId: String, sku: String) {
        self.ownerId = ownerId
        self.sku = sku
    }
}

/// The anonymous session `anonymousId` logged in as `customerId`: its cart joins theirs.
public struct AttachCart: Codable, Sendable, Equatable {
    public var anonymousId: String
    public var customerId: String
    public init(anonymousId: String, customerId: String) {
        self.anonymousId = anonymousId
        self.customerId = customerId
    }
}

public struct CartLine: Codable, Sendable, Equatable {
    public var sku: String
    public var quantity: Int
    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// The whole cart after a change, with the channel that made it.
public struct CartUpdated: Codable, Sendable, Equatable {
    public var ownerId: String
    public var lines: [CartLine]
    public var channel: String?
    /// The order that checked the cart out (its lines then empty), so every read model of
    /// open carts closes it.
    public var checkedOutOrder: String?
    public init(ownerId: String, lines: [CartLine], channel: String?, checkedOutOrder: String? = nil) {
        self.ownerId = ownerId
        self.lines = lines
        self.channel = channel
        self.checkedOutOrder = checkedOutOrder
    }
}

/// Carts of `mergedOwnerIds` were folded into `ownerId`'s (login or customer merge).
public struct CartsMerged: Codable, Sendable, Equatable {
    public var ownerId: String
    public var mergedOwnerIds: [String]
    public var lines: [CartLine]
    public init(ownerId: String, mergedOwnerIds: [String], lines: [CartLine]) {
        self.ownerId = ownerId
        self.mergedOwnerIds = mergedOwnerIds
        self.lines = lines
    }
}

/// A cart with lines nobody touched for the shop's idle time: announced once until it
/// changes again (a reminder where consent allows; journey analytics count it).
public struct CartAbandoned: Codable, Sendable, Equatable {
    public var ownerId: String
    public var lines: [CartLine]
    /// The channel it was last changed on.
    public var lastChannel: String?
    public var idleSince: Date
    public init(ownerId: String, lines: [CartLine], lastChannel: String?, idleSince: Date) {
        self.ownerId = ownerId
        self.lines = lines
        self.lastChannel = lastChannel
        self.idleSince = idleSince
    }
}
