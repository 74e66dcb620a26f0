import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

extension Journeys {
    @Suite("J10 — Forget me")
    struct ForgetMe {
        @Test("J10: once she asks, within seconds customers answers 410, notifications holds no contact nor bodies, orders keep her order without contact or address and drop her cart, promotions forget her segment; the order and the stock ledger still add up")
        func forgetMe() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag

            // Marketing thanks buyers: a segment of customers with an order this year, and a code for them only.
            let buyers = DefineSegment(segmentId: "buyers", name: "Bought this year", conditions: [SegmentCondition(kind: .ordersAtLeast, count: 1, withinDays: 365)])
            #expect(try await omni.perform(CustomersType.defineSegment, buyers, key: "buyers").type == CustomersType.segmentDefined)
            let thanks = Promotion(promotionId: "thanks10", name: "10 % for buyers", kind: .percentOff, percent: 10, code: "THANKS10", segments: ["buyers"])
            #expect(try await omni.perform(PromotionsType.upsertPromotion, thanks, key: "thanks10").type == PromotionsType.promotionUpserted)

            // Emma buys a pair on the web, delivered home; it ships. She leaves socks in her cart.
            let emma = try await omni.customer("Emma", phone: "+33633333333")
            let contact = OrderContact(firstName: "Emma", email: omni.email("Emma"), phone: "+33633333333")
            let order = try await omni.confirmed(shop.delivery("ord-\(tag)", customerId: emma, [OrderLineRequest(sku: shop.shoe, quantity: 1)], contact: contact))
            let reserved = try await omni.watcher.first(CatalogType.stockReserved) { try $0.payload(StockReserved.self).orderId == order.orderId }
            let shippedFrom = try #require(try reserved.payload(StockReserved.self).allocations.first?.locationId)
            #expect(try await omni.perform(OrdersType.shipOrder, OrderStep(orderId: order.orderId, reference: "TRACK-\(tag)"), key: order.orderId,
                                           expecting: [OrdersType.orderShipped, OrdersType.commandRejected]).type == OrdersType.orderShipped)
            _ = try await omni.watcher.first(CatalogType.reservationCommitted) { try $0.payload(ReservationCommitted.self).orderId == order.orderId }
            #expect(try await omni.perform(OrdersType.addCartItem, AddCartItem(ownerId: emma, sku: shop.socks, quantity: 1), key: emma).type == OrdersType.cartUpdated)
            // She is a buyer now: the code works for her, and she was emailed about her order.
            func quote() async throws -> Read.Quote {
                try await omni.quote(Basket(channel: "web", customerId: emma, currency: "EUR",
                                            lines: [BasketLine(lineId: "1", sku: shop.socks, category: "socks", quantity: 1, unitPriceMinor: shop.socksPrice)]),
                                     codes: ["THANKS10"])
            }
            var before = try await quote()
            let joined = ContinuousClock.now + .seconds(20)
            while before.pricing.applied.isEmpty, ContinuousClock.now < joined {
                try await Task.sleep(for: .milliseconds(100))
                before = try await quote()
            }
            #expect(before.pricing.applied.map(\.promotionId) == ["thanks10"], "\(before)")
            let sent = try await omni.messages(emma) { $0.filter { $0.status == "sent" }.count >= 2 }
            #expect(sent.filter { $0.status == "sent" }.allSatisfy { $0.subject != nil } && sent.count >= 2, "\(sent)")

            // She asks to be forgotten.
            let asked = ContinuousClock.now
            #expect(try await omni.perform(CustomersType.eraseCustomer, EraseCustomer(customer: .id(emma), reason: "customer request"), key: emma,
                                           expecting: [CustomersType.customerErased, CustomersType.commandRejected]).type == CustomersType.customerErased)
            func status(_ path: String, from service: ServiceName) async throws -> Int { try await omni.services.http(service).get(path).0 }
            func eventually(_ what: String, _ holds: () async throws -> Bool) async throws {
                while try await !holds() {
                    guard ContinuousClock.now - asked < .seconds(10) else { Issue.record("\(what): still not after 10 s"); return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            // Customers: her profile answers 410 Gone, her email leads nowhere.
            try await eventually("customers") { try await status("/customers/\(emma)", from: .customers) == 410 }
            #expect(try await status("/customers/lookup?email=\(omni.email("Emma"))", from: .customers) == 404)
            // Notifications: no contact data left, the log keeps what was sent when, without the bodies.
            try await eventually("notifications") { try await status("/customers/\(emma)/contact", from: .notifications) == 404 }
            let log = try await omni.messages(emma)
            #expect(log.count == sent.count && log.allSatisfy { $0.subject == nil }, "\(log)")
            // Orders: the order stays, without her contact or address; her cart is gone.
            let kept = try await omni.poll("/orders/\(order.orderId)", as: Read.Order.self, from: .orders) { $0.order.contact == nil }
            #expect(kept.order.contact == nil && kept.order.fulfilment.address == nil)
            #expect(try await omni.get("/carts/\(emma)", as: Read.Cart.self, from: .orders).lines.isEmpty)
            // Promotions: her segment is forgotten; the code no longer knows her as a buyer.
            var after = try await quote()
            try await eventually("promotions") {
                after = try await quote()
                return after.rejections.map(\.reasonCode) == ["not-in-segment"]
            }
            #expect(after.rejections.map(\.reasonCode) == ["not-in-segment"] && after.pricing.totalDiscountMinor == 0, "\(after)")
            let took = ContinuousClock.now - asked
            #expect(took < .seconds(10), "everything forgotten in \(took)")

            // The figures still add up: the order keeps its lines, status and amounts; the shipped pair is in the ledger as a sale.
            #expect(kept.order.lines == order.lines && kept.order.totalMinor == order.totalMinor && kept.order.status == "shipped")
            let stock = try await omni.get("/stock/\(shop.shoe)/locations/\(shippedFrom)", as: Read.Stock.self, from: .catalog)
            #expect(stock.onHand == stock.ledgerOnHand && stock.movements.contains { $0.kind == "order-sale" && $0.quantity == -1 }, "\(stock)")
            let history = try await omni.get("/customers/\(emma)/orders", as: Read.OrderList.self, from: .orders)
            #expect(history.orders.map(\.orderId) == [order.orderId], "her id, which names no one any more, still counts its order")
        }
    }
}
