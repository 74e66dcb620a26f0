import OrdersContracts

/// What a return gives back: requested units matched to the order's lines, never more
/// than was bought less what already came back, each unit refunded at its share of what
/// the line cost after discounts. Shares are cumulative (the refund of units 1…n is
/// `paid × n / quantity`), so returning a line in several goes refunds exactly what was paid.
public enum ReturnPlan {
    public struct Refusal: Error, Equatable, Sendable {
        public var code: String
        public var message: String
    }

    /// The most units one return may ask for a sku (an order line holds no more).
    public static let maxLineQuantity = 1_000_000

    /// `alreadyReturned`: units of each line (by line id) that came back before.
    public static func plan(_ requested: [ReturnLineRequest], lines: [OrderLine], alreadyReturned: [String: Int]) -> Result<[ReturnedLine], Refusal> {
        guard !requested.isEmpty else { return .failure(Refusal(code: "missing-field", message: "a return needs at least one line")) }
        var wanted: [(sku: String, quantity: Int)] = []
        for line in requested {
            guard line.quantity > 0 else { return .failure(Refusal(code: "invalid-quantity", message: "\(line.sku): return at least 1 unit")) }
            // Checked: two lines of the same sku near `Int.max` would trap when summed.
            guard line.quantity <= maxLineQuantity else {
                return .failure(Refusal(code: "invalid-quantity", message: "\(line.sku): at most \(maxLineQuantity) units per line, got \(line.quantity)"))
            }
            if let index = wanted.firstIndex(where: { $0.sku == line.sku }) {
                guard line.quantity <= maxLineQuantity - wanted[index].quantity else {
                    return .failure(Refusal(code: "invalid-quantity", message: "\(line.sku): at most \(maxLineQuantity) units in all"))
                }
                wanted[index].quantity += line.quantity
            } else {
                wanted.append((line.sku, line.quantity))
            }
        }
        var returned = alreadyReturned
        var result: [ReturnedLine] = []
        for (sku, quantity) in wanted {
            let candidates = lines.filter { $0.sku == sku }
            guard !candidates.isEmpty else { return .failure(Refusal(code: "not-in-order", message: "\(sku) is not in this order")) }
            let returnable = candidates.reduce(0) { $0 + $1.quantity - (returned[$1.lineId] ?? 0) }
            guard quantity <= returnable else {
                return .failure(Refusal(code: "return-exceeds-purchase",
                                        message: "\(sku): \(quantity) returned, but only \(returnable) of the units bought have not come back yet"))
            }
            var left = quantity
            for line in candidates where left > 0 {
                let before = returned[line.lineId] ?? 0
                let taking = min(left, line.quantity - before)
                guard taking > 0 else { continue }
                result.append(ReturnedLine(lineId: line.lineId, sku: sku, quantity: taking,
                                           refundMinor: refund(line, units: before + taking) - refund(line, units: before)))
                returned[line.lineId] = before + taking
                left -= taking
            }
        }
        return .success(result)
    }

    /// What `units` units of `line` cost, after its discounts.
    public static func refund(_ line: OrderLine, units: Int) -> Int64 {
        guard line.quantity > 0 else { return 0 }
        return line.totalMinor * Int64(units) / Int64(line.quantity)
    }

    /// What points paid of the goods returned by this return: `valueBefore` and `valueAfter`
    /// are what the goods returned so far are worth (after discounts, before points) before
    /// and after it, out of `orderValue`. Cumulative shares, so returning everything in
    /// several goes gives back exactly the points spent and takes exactly their value off
    /// the money refunded.
    public static func loyaltyShare(points: Int, valueMinor: Int64, orderValue: Int64, valueBefore: Int64, valueAfter: Int64) -> (points: Int, valueMinor: Int64) {
        guard orderValue > 0 else { return (0, 0) }
        func share(_ whole: Int64, of part: Int64) -> Int64 {
            let part = min(max(part, 0), orderValue)
            // whole × part / orderValue, in 128 bits: the quotient is at most `whole`.
            return orderValue.dividingFullWidth(max(whole, 0).multipliedFullWidth(by: part)).quotient
        }
        let givenBack = share(Int64(points), of: valueAfter) - share(Int64(points), of: valueBefore)
        return (Int(givenBack), share(valueMinor, of: valueAfter) - share(valueMinor, of: valueBefore))
    }

    /// What the returned units of `lines` are worth (after discounts), `returned` by line id.
    public static func value(_ lines: [OrderLine], returned: [String: Int]) -> Int64 {
        lines.reduce(0) { $0 + refund($1, units: min(returned[$1.lineId] ?? 0, $1.quantity)) }
    }

    /// Whether every unit of the order came back.
    public static func fullyReturned(_ lines: [OrderLine], returned: [String: Int]) -> Bool {
        lines.allSatisfy { (returned[$0.lineId] ?? 0) >= $0.quantity }
    }
}
