import CatalogContracts
import CatalogCore
import OmniMessaging
import Testing

@Suite("Catalog: stock arithmetic")
struct StockLevelTests {
    @Test("available is on hand minus reserved minus safety stock, never below zero")
    func availability() {
        #expect(StockLevel(onHand: 10, reserved: 3, safetyStock: 2).available == 5)
        #expect(StockLevel(onHand: 4, reserved: 3, safetyStock: 2).available == 0)
        #expect(StockLevel(onHand: 4, reserved: 3, safetyStock: 2).sellableInStore == 1)
    }

    @Test("a reservation takes only what is available, all or nothing")
    func reserving() {
        let level = StockLevel(onHand: 10, reserved: 2, safetyStock: 3)
        #expect(level.reserving(5) == StockLevel(onHand: 10, reserved: 7, safetyStock: 3))
        #expect(level.reserving(6) == nil)
        #expect(level.reserving(0) == nil)
    }

    @Test("a till sells its safety stock but never reserved units")
    func tillSale() throws {
        let level = StockLevel(onHand: 5, reserved: 2, safetyStock: 3)
        #expect(try level.removing(3, sku: "A") == StockLevel(onHand: 2, reserved: 2, safetyStock: 3))
        #expect(throws: Rejection.self) { try level.removing(4, sku: "A") }
        #expect(throws: Rejection.self) { try level.removing(0, sku: "A") }
    }

    @Test("adjustments need a change and cannot remove promised units")
    func adjusting() throws {
        let level = StockLevel(onHand: 5, reserved: 4)
        #expect(try level.adjusting(by: -1).onHand == 4)
        #expect(try level.adjusting(by: 7).onHand == 12)
        let below = #expect(throws: Rejection.self) { try level.adjusting(by: -2) }
        #expect(below?.code == "below-reserved")
        #expect((#expect(throws: Rejection.self) { try level.adjusting(by: 0) })?.code == "invalid-quantity")
    }

    @Test("release and commit move units out of the hold")
    func releaseAndCommit() {
        let level = StockLevel(onHand: 5, reserved: 3)
        #expect(level.releasing(2) == StockLevel(onHand: 5, reserved: 1))
        #expect(level.committing(3) == StockLevel(onHand: 2, reserved: 0))
    }

    @Test("a till sale sells what is available at once, never the safety stock or what others hold; undone, the units are back")
    func sellAtOnce() {
        let level = StockLevel(onHand: 6, reserved: 2, safetyStock: 1)
        #expect(level.selling(3) == StockLevel(onHand: 3, reserved: 2, safetyStock: 1))
        #expect(level.selling(4) == nil && level.selling(0) == nil && level.selling(-1) == nil)
        #expect(level.selling(3)?.unselling(3) == level)
        #expect(level.unselling(-2) == level)
    }

    @Test("lines: merged by sku, validated")
    func lines() {
        #expect(mergedLines([.init(sku: "A", quantity: 1), .init(sku: "B", quantity: 2), .init(sku: "A", quantity: 3)])
            == [.init(sku: "A", quantity: 4), .init(sku: "B", quantity: 2)])
        #expect((#expect(throws: Rejection.self) { try validateLines([]) })?.code == "no-lines")
        #expect((#expect(throws: Rejection.self) { try validateLines([.init(sku: "A", quantity: -1)]) })?.code == "invalid-quantity")
    }
}
