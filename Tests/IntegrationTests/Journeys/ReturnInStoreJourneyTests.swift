import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J9 — Buy online, return in store")
    struct ReturnInStore {
        @Test("J9: delivered from the warehouse, one pair comes back at Lille Gare: refunded at what it cost, restocked there, its points taken back; the till's retry changes nothing; more than was bought is refused")
        func buyOnlineReturnInStore() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag
            let shoes = shop.shoe, station = shop.stationStore

            // Léa orders two pairs of shoes and socks on the web, delivered: the warehouse has every line.
            let lea = try await omni.customer("Lea")
            let order = try await omni.confirmed(shop.delivery("ord-\(tag)", customerId: lea, [OrderLineRequest(sku: shoes, quantity: 2),
                                                                                               OrderLineRequest(sku: shop.socks, quantity: 1)]))
            #expect(order.totalMinor == 2 * shop.shoePrice + shop.socksPrice)
            // The carrier takes it and delivers it: the sale is booked and earns her points, one per euro.
            #expect(try await omni.perform(OrdersType.shipOrder, OrderStep(orderId: order.orderId, reference: "TRACK-\(tag)"), key: order.orderId,
                                           expecting: [OrdersType.orderShipped, OrdersType.commandRejected]).type == OrdersType.orderShipped)
            #expect(try await omni.perform(OrdersType.confirmDelivery, OrderStep(orderId: order.orderId), key: order.orderId,
                                           expecting: [OrdersType.orderDelivered, OrdersType.commandRejected]).type == OrdersType.orderDelivered)
            let earned = try await omni.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == order.orderId }
            #expect(try earned.payload(LoyaltyChanged.self).points == Int(order.totalMinor / 100))
            _ = try await omni.watcher.first(CatalogType.reservationCommitted) { try $0.payload(ReservationCommitted.self).orderId == order.orderId }
            let stationBefore = try await omni.get("/stock/\(shoes)/locations/\(station)", as: Read.Stock.self, from: .catalog)
            let warehouseBefore = try await omni.get("/stock/\(shoes)/locations/\(shop.warehouse)", as: Read.Stock.self, from: .catalog)
            #expect(warehouseBefore.onHand == 18, "the two pairs left the warehouse")

            // She brings one pair back to the Lille Gare store.
            let returnId = "ret-\(tag)"
            let give = ReturnItems(returnId: returnId, orderId: order.orderId, locationId: station, lines: [ReturnLineRequest(sku: shoes, quantity: 1)],
                                   reason: "too small")
            let returned = try await omni.perform(OrdersType.returnItems, give, key: order.orderId, channel: "pos",
                                                  expecting: [OrdersType.itemsReturned, OrdersType.commandRejected]).payload(ItemsReturned.self)
            // The line is refunded at what it cost...
            #expect(returned.refundMinor == shop.shoePrice && returned.locationId == station && !returned.fullyReturned && returned.customerId == lea)
            let refundMail = try await omni.smtp.waitForMessage { $0.contains("To: <\(omni.email("Lea"))>") && $0.contains("return \(returnId) and") }
            #expect(refundMail.contains("refunded 80.00 EUR"), "\(refundMail)")
            // ...the pair is back on sale at Lille Gare, not at the warehouse it left from...
            let stationAfter = try await omni.poll("/stock/\(shoes)/locations/\(station)", as: Read.Stock.self, from: .catalog) {
                $0.onHand == stationBefore.onHand + 1
            }
            #expect(stationAfter.onHand == stationBefore.onHand + 1 && stationAfter.ledgerOnHand == stationAfter.onHand)
            #expect(stationAfter.movements.contains { $0.kind == "return-restock" && $0.reference == returnId && $0.quantity == 1 })
            #expect(try await omni.get("/stock/\(shoes)/locations/\(shop.warehouse)", as: Read.Stock.self, from: .catalog).onHand == warehouseBefore.onHand)
            // ...and the points it earned are taken back.
            let reversed = try await omni.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == returnId }
            let reversal = try reversed.payload(LoyaltyChanged.self)
            #expect(reversal.kind == .reverse && reversal.points == -Int(shop.shoePrice / 100) && reversal.balance == Int(order.totalMinor - shop.shoePrice) / 100)

            // The till's network hiccups and it sends the same return again: the same answer...
            let again = try await omni.perform(OrdersType.returnItems, give, key: order.orderId, channel: "pos",
                                               expecting: [OrdersType.itemsReturned, OrdersType.commandRejected]).payload(ItemsReturned.self)
            #expect(again == returned)
            // ...and, once the socks she returns next are fully handled (same order, so after the retry), nothing happened twice.
            let socksBack = ReturnItems(returnId: "ret-socks-\(tag)", orderId: order.orderId, locationId: station, lines: [ReturnLineRequest(sku: shop.socks, quantity: 1)])
            #expect(try await omni.perform(OrdersType.returnItems, socksBack, key: order.orderId, channel: "pos").type == OrdersType.itemsReturned)
            _ = try await omni.watcher.first(CustomersType.loyaltyChanged) { try $0.payload(LoyaltyChanged.self).reference == socksBack.returnId }
            _ = try await omni.smtp.waitForMessage { $0.contains(socksBack.returnId) }
            _ = try await omni.poll("/stock/\(shop.socks)/locations/\(station)", as: Read.Stock.self, from: .catalog) { $0.onHand == 1 }
            #expect(omni.watcher.events(CustomersType.loyaltyChanged).filter { (try? $0.payload(LoyaltyChanged.self).reference) == returnId }.count == 1)
            #expect(omni.smtp.messages.filter { $0.contains("return \(returnId) and") }.count == 1, "one refund email for the pair")
            let station2 = try await omni.get("/stock/\(shoes)/locations/\(station)", as: Read.Stock.self, from: .catalog)
            #expect(station2.onHand == stationAfter.onHand && station2.movements.filter { $0.reference == returnId }.count == 1)
            let view = try await omni.get("/orders/\(order.orderId)", as: Read.Order.self, from: .orders)
            #expect(view.returns.map(\.returnId).sorted() == [returnId, socksBack.returnId].sorted())

            // Two more pairs cannot come back: she bought two and one already did.
            let tooMany = ReturnItems(returnId: "ret-more-\(tag)", orderId: order.orderId, locationId: station, lines: [ReturnLineRequest(sku: shoes, quantity: 2)])
            let refused = try await omni.perform(OrdersType.returnItems, tooMany, key: order.orderId, channel: "pos")
            #expect(try refused.payload(CommandRejected.self).reasonCode == "return-exceeds-purchase")
            let balance = try await omni.view(lea) { $0.loyalty.balance == Int(order.totalMinor - shop.shoePrice - shop.socksPrice) / 100 }.loyalty.balance
            #expect(balance == Int(order.totalMinor - shop.shoePrice - shop.socksPrice) / 100, "earned once, reversed once per return")
        }
    }
}
