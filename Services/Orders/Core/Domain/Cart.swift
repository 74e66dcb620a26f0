import OrdersContracts

/// Cart arithmetic: lines by sku, quantities added, set, removed, carts merged.
public struct Cart: Equatable, Sendable {
    public private(set) var lines: [CartLine]
    public static let maxQuantityPerLine = 999

    public init(lines: [CartLine] = []) { self.lines = lines }

    public struct Refusal: Error, Equatable, Sendable {
        public var code: String
        public var message: String
    }

    public func quantity(of sku: String) -> Int { lines.first { $0.sku == sku }?.quantity ?? 0 }

    public mutating func add(_ sku: String, _ quantity: Int) throws(Refusal) {
        guard quantity > 0 else { throw Refusal(code: "invalid-quantity", message: "add a quantity of at least 1") }
        // Checked before adding: what is in the line plus `Int.max` would trap.
        let current = self.quantity(of: sku)
        guard quantity <= Self.maxQuantityPerLine - current else {
            throw Refusal(code: "invalid-quantity", message: "at most \(Self.maxQuantityPerLine) units per line (\(current) in the cart, \(quantity) added)")
        }
        try set(sku, current + quantity)
    }

    /// 0 removes the line; lines keep the order they were first added in.
    public mutating func set(_ sku: String, _ quantity: Int) throws(Refusal) {
        guard quantity >= 0 else { throw Refusal(code: "invalid-quantity", message: "quantity cannot be negative") }
        guard quantity <= Self.maxQuantityPerLine else {
            throw Refusal(code: "invalid-quantity", message: "at most \(Self.maxQuantityPerLine) units per line")
        }
        if let index = lines.firstIndex(where: { $0.sku == sku }) {
            if quantity == 0 { lines.remove(at: index) } else { lines[index].quantity = quantity }
        } else if quantity > 0 {
            lines.append(CartLine(sku: sku, quantity: quantity))
        }
    }

    /// Another cart folded into this one: a sku in both keeps the larger quantity (the same
    /// item added on two devices is one wish, not two), others are appended.
    public mutating func merge(_ other: Cart) {
        for line in other.lines {
            if let index = lines.firstIndex(where: { $0.sku == line.sku }) {
                lines[index].quantity = min(Self.maxQuantityPerLine, max(lines[index].quantity, line.quantity))
            } else {
                lines.append(line)
            }
        }
    }
}
