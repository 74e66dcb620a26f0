import OrdersContracts
import OrdersCore
import Testing

@Suite("Cart arithmetic")
struct CartTests {
    @Test("Adding the same sku adds up; setting 0 removes the line; order of first addition is kept")
    func addSetRemove() throws {
        var cart = Cart()
        try cart.add("A", 1)
        try cart.add("B", 2)
        try cart.add("A", 2)
        #expect(cart.lines == [CartLine(sku: "A", quantity: 3), CartLine(sku: "B", quantity: 2)])
        try cart.set("A", 0)
        #expect(cart.lines == [CartLine(sku: "B", quantity: 2)])
    }

    @Test("Quantities must be positive and bounded")
    func bounds() {
        var cart = Cart()
        #expect(throws: Cart.Refusal.self) { try cart.add("A", 0) }
        #expect(throws: Cart.Refusal.self) { try cart.add("A", -1) }
        #expect(throws: Cart.Refusal.self) { try cart.set("A", -1) }
        #expect(throws: Cart.Refusal.self) { try cart.set("A", Cart.maxQuantityPerLine + 1) }
        #expect(cart.lines.isEmpty)
    }

    @Test("Extreme quantities on a line already in the cart are refused, never trap")
    func extremes() throws {
        var cart = Cart()
        try cart.add("A", 2)
        for quantity in [Int.max, Int.max - 1, Cart.maxQuantityPerLine - 1, Int.min] {
            #expect((#expect(throws: Cart.Refusal.self) { try cart.add("A", quantity) })?.code == "invalid-quantity")
        }
        #expect(throws: Cart.Refusal.self) { try cart.set("A", Int.max) }
        #expect(throws: Cart.Refusal.self) { try cart.set("A", Int.min) }
        try cart.add("A", Cart.maxQuantityPerLine - 2)
        #expect(cart.lines == [CartLine(sku: "A", quantity: Cart.maxQuantityPerLine)])
    }

    @Test("Merging an anonymous cart: the same item on two devices is one wish, others are kept")
    func merge() throws {
        var customer = Cart()
        try customer.add("A", 1)
        try customer.add("B", 1)
        var anonymous = Cart()
        try anonymous.add("B", 3)
        try anonymous.add("C", 1)
        customer.merge(anonymous)
        #expect(customer.lines == [CartLine(sku: "A", quantity: 1), CartLine(sku: "B", quantity: 3), CartLine(sku: "C", quantity: 1)])
    }
}
