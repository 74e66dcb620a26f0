import CatalogContracts
import OmniMessaging

/// One sku at one location. The rules every movement obeys, without I/O:
/// available = on hand − reserved − safety stock (never shown below zero), and on hand
/// never drops below zero nor below what is reserved.
public struct StockLevel: Sendable, Equatable {
    public var onHand: Int
    public var reserved: Int
    public var safetyStock: Int

    public init(onHand: Int = 0, reserved: Int = 0, safetyStock: Int = 0) {
        self.onHand = onHand
        self.reserved = reserved
        self.safetyStock = safetyStock
    }

    /// What the channels may promise.
    public var available: Int { max(0, onHand - reserved - safetyStock) }

    /// What a till may sell: the store's safety stock is on its shelves, reserved units are not its to sell.
    public var sellableInStore: Int { onHand - reserved }

    public func receiving(_ quantity: Int) throws(Rejection) -> StockLevel {
        try Self.requirePositive(quantity)
        guard onHand + quantity <= Self.maxUnits else {
            throw Rejection("invalid-quantity", "\(quantity) more would put \(onHand + quantity) on hand, over the \(Self.maxUnits) a location holds")
        }
        var next = self
        next.onHand += quantity
        return next
    }

    /// A correction up or down; it may not remove units that are promised to an order.
    public func adjusting(by delta: Int) throws(Rejection) -> StockLevel {
        guard delta != 0 else { throw Rejection("invalid-quantity", "an adjustment must change the stock (delta ≠ 0)") }
        guard (-Self.maxUnits...Self.maxUnits).contains(delta), onHand + delta <= Self.maxUnits else {
            throw Rejection("invalid-quantity", "an adjustment of \(delta) is out of range (at most \(Self.maxUnits) units on hand)")
        }
        guard onHand + delta >= reserved else {
            throw Rejection("below-reserved", "an adjustment of \(delta) would leave \(onHand + delta) on hand for \(reserved) reserved; release reservations first")
        }
        var next = self
        next.onHand += delta
        return next
    }

    /// Units leaving without a reservation (till sale, transfer out).
    public func removing(_ quantity: Int, sku: String) throws(Rejection) -> StockLevel {
        try Self.requirePositive(quantity)
        guard quantity <= sellableInStore else {
            throw Rejection("insufficient-stock", "\(sku): \(quantity) requested, \(max(0, sellableInStore)) free to sell")
        }
        var next = self
        next.onHand -= quantity
        return next
    }

    public func reserving(_ quantity: Int) -> StockLevel? {
        guard quantity > 0, quantity <= available else { return nil }
        var next = self
        next.reserved += quantity
        return next
    }

    public func releasing(_ quantity: Int) -> StockLevel {
        var next = self
        next.reserved = max(0, reserved - quantity)
        return next
    }

    /// Sold at once (a till sale's `ReserveStock.sell`): what a reservation may take
    /// leaves the shelf without being held first.
    public func selling(_ quantity: Int) -> StockLevel? {
        guard quantity > 0, quantity <= available else { return nil }
        var next = self
        next.onHand -= quantity
        return next
    }

    /// A sale made by `selling` undone (the order it was for was refused): the units are
    /// back on the shelf.
    public func unselling(_ quantity: Int) -> StockLevel {
        var next = self
        next.onHand += max(0, quantity)
        return next
    }

    /// A reservation becomes a sale: the units leave the shelf and the hold.
    public func committing(_ quantity: Int) -> StockLevel {
        var next = self
        next.reserved = max(0, reserved - quantity)
        next.onHand = max(0, onHand - quantity)
        return next
    }

    public func withSafetyStock(_ quantity: Int) throws(Rejection) -> StockLevel {
        guard quantity >= 0, quantity <= Self.maxUnits else {
            throw Rejection("invalid-quantity", "safety stock must be from 0 to \(Self.maxUnits), got \(quantity)")
        }
        var next = self
        next.safetyStock = quantity
        return next
    }

    /// The most units a stock row holds (its columns are Postgres `int`); quantities beyond
    /// it are refused before any arithmetic can overflow.
    public static let maxUnits = Int(Int32.max)

    static func requirePositive(_ quantity: Int) throws(Rejection) {
        guard quantity > 0 else { throw Rejection("invalid-quantity", "quantity must be greater than 0, got \(quantity)") }
        guard quantity <= maxUnits else { throw Rejection("invalid-quantity", "quantity must be at most \(maxUnits), got \(quantity)") }
    }
}

/// Lines with the same sku count once, in the order they first appear.
public func mergedLines(_ lines: [SkuQuantity]) -> [SkuQuantity] {
    var order: [String] = []
    var totals: [String: Int] = [:]
    for line in lines {
        if totals[line.sku] == nil { order.append(line.sku) }
        totals[line.sku, default: 0] += line.quantity
    }
    return order.map { SkuQuantity(sku: $0, quantity: totals[$0]!) }
}

/// Every line names a sku and a positive quantity; at least one line.
public func validateLines(_ lines: [SkuQuantity]) throws(Rejection) {
    guard !lines.isEmpty else { throw Rejection("no-lines", "at least one line is required") }
    for line in lines {
        guard !line.sku.isEmpty else { throw Rejection("unknown-sku", "a line has an empty sku") }
        guard line.quantity > 0, line.quantity <= StockLevel.maxUnits else {
            throw Rejection("invalid-quantity", "\(line.sku): quantity must be from 1 to \(StockLevel.maxUnits), got \(line.quantity)")
        }
    }
}
