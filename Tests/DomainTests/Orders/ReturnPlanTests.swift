import OrdersContracts
import OrdersCore
import Testing

@Suite("Returns: what comes back and what it refunds")
struct ReturnPlanTests {
    /// 3 shoes at 80.00 with 24.00 off (a promotion), 1 bag at 35.00.
    let lines = [
        OrderLine(lineId: "1", sku: "SHOE", name: "Shoe", category: "shoes", quantity: 3, unitPriceMinor: 8_000, discountMinor: 2_400),
        OrderLine(lineId: "2", sku: "BAG", name: "Bag", category: "bags", quantity: 1, unitPriceMinor: 3_500),
    ]

    func plan(_ requested: [ReturnLineRequest], returned: [String: Int] = [:]) -> Result<[ReturnedLine], ReturnPlan.Refusal> {
        ReturnPlan.plan(requested, lines: lines, alreadyReturned: returned)
    }

    @Test("Extreme quantities, one line or two of the same sku, are refused, never trap")
    func extremes() {
        for requested in [[ReturnLineRequest(sku: "SHOE", quantity: Int.max)],
                          [ReturnLineRequest(sku: "SHOE", quantity: Int.max), ReturnLineRequest(sku: "SHOE", quantity: Int.max)],
                          [ReturnLineRequest(sku: "SHOE", quantity: ReturnPlan.maxLineQuantity), ReturnLineRequest(sku: "SHOE", quantity: 1)],
                          [ReturnLineRequest(sku: "SHOE", quantity: Int.min)]] {
            guard case .failure(let refusal) = plan(requested) else { Issue.record("took \(requested)"); continue }
            #expect(refusal.code == "invalid-quantity")
        }
    }

    @Test("A partial return refunds its share of what the line cost after discounts")
    func partial() {
        #expect(plan([ReturnLineRequest(sku: "SHOE", quantity: 1)]) == .success([ReturnedLine(lineId: "1", sku: "SHOE", quantity: 1, refundMinor: 7_200)]))
    }

    @Test("Returned in several goes, a line refunds exactly what was paid for it, not a cent more")
    func severalGoes() throws {
        let odd = [OrderLine(lineId: "1", sku: "SOCK", name: "Sock", category: "socks", quantity: 3, unitPriceMinor: 1_000, discountMinor: 1)]
        var returned: [String: Int] = [:]
        var refunded: Int64 = 0
        for _ in 0..<3 {
            let lines = try ReturnPlan.plan([ReturnLineRequest(sku: "SOCK", quantity: 1)], lines: odd, alreadyReturned: returned).get()
            refunded += lines[0].refundMinor
            returned["1", default: 0] += 1
        }
        #expect(refunded == odd[0].totalMinor)
        #expect(ReturnPlan.fullyReturned(odd, returned: returned))
    }

    @Test("Never more than was bought, less what already came back")
    func exceeds() {
        #expect(plan([ReturnLineRequest(sku: "SHOE", quantity: 4)]).refusal == "return-exceeds-purchase")
        #expect(plan([ReturnLineRequest(sku: "SHOE", quantity: 1)], returned: ["1": 3]).refusal == "return-exceeds-purchase")
        #expect(plan([ReturnLineRequest(sku: "SHOE", quantity: 2), ReturnLineRequest(sku: "SHOE", quantity: 2)]).refusal == "return-exceeds-purchase")
    }

    @Test("Goods that were not bought, zero units, nothing at all: refused")
    func refusals() {
        #expect(plan([ReturnLineRequest(sku: "HAT", quantity: 1)]).refusal == "not-in-order")
        #expect(plan([ReturnLineRequest(sku: "BAG", quantity: 0)]).refusal == "invalid-quantity")
        #expect(plan([]).refusal == "missing-field")
    }

    @Test("A sku bought on two lines comes back from the first line first, each at its own price")
    func twoLines() throws {
        let split = [
            OrderLine(lineId: "a", sku: "SHOE", name: "Shoe", category: "shoes", quantity: 1, unitPriceMinor: 8_000, discountMinor: 4_000),
            OrderLine(lineId: "b", sku: "SHOE", name: "Shoe", category: "shoes", quantity: 1, unitPriceMinor: 8_000),
        ]
        let lines = try ReturnPlan.plan([ReturnLineRequest(sku: "SHOE", quantity: 2)], lines: split, alreadyReturned: [:]).get()
        #expect(lines.map(\.refundMinor) == [4_000, 8_000])
    }
}

extension Result where Failure == ReturnPlan.Refusal {
    var refusal: String? { if case .failure(let refusal) = self { refusal.code } else { nil } }
}
