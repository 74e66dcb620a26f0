import CatalogContracts
import Foundation
import OmniMessaging
import OrdersContracts
import Testing

extension Journeys {
    @Suite("J6 — Real stock, no oversell")
    struct NoOversell {
        @Test("J6: a till sale at Lille Gare shows on the web within a fraction of a second; twelve orders from six channels race for the last two jackets: two succeed, ten are told there is not enough stock")
        func realStockNoOversell() async throws {
            let omni = try await JourneyStack()
            defer { Task { await omni.stop() } }
            let shop = omni.shop, tag = omni.tag, station = shop.stationStore, jacket = shop.jacket

            // Lille Gare ships from store: its three rain jackets are the shop's only ones, on its shelves and on the web.
            #expect(try await omni.available(jacket, channel: "web") == 3)
            #expect(try await omni.available(jacket, channel: "pos", store: station) == 3)

            // A customer buys one at the store's till...
            let sold = ContinuousClock.now
            try await omni.services.send(CatalogType.recordPosSale, RecordPosSale(saleId: "sale-\(tag)", storeId: station, lines: [SkuQuantity(sku: jacket, quantity: 1)]),
                                         key: jacket, channel: "pos")
            // ...and the web shows two left within a fraction of a second.
            let web = try await omni.poll("/availability/\(jacket)?channel=web", as: Read.Availability.self, from: .catalog, timeout: .seconds(5)) { $0.available == 2 }
            let seenAfter = ContinuousClock.now - sold
            #expect(web.available == 2 && seenAfter < .seconds(1), "seen after \(seenAfter)")

            // Twelve shoppers want the last two: on the web, in the app (delivered or collected there), by phone, at the till and at the kiosk.
            let one = [OrderLineRequest(sku: jacket, quantity: 1)]
            var racing: [PlaceOrder] = []
            for round in 1...2 {
                racing += [shop.delivery("ord-web-\(round)-\(tag)", customerId: nil, one),
                           shop.delivery("ord-app-\(round)-\(tag)", customerId: nil, one, channel: "app"),
                           shop.delivery("ord-tel-\(round)-\(tag)", customerId: nil, one, channel: "telesales"),
                           shop.pickup("ord-cc-\(round)-\(tag)", customerId: nil, one, at: station, channel: "app"),
                           shop.tillSale("ord-pos-\(round)-\(tag)", customerId: nil, one, at: station),
                           shop.tillSale("ord-kiosk-\(round)-\(tag)", customerId: nil, one, at: station, channel: "kiosk")]
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for order in racing { group.addTask { _ = try await omni.send(order) } }
                try await group.waitForAll()
            }
            var confirmed: [String] = []
            var rejected: [OrderRejected] = []
            for order in racing {
                let outcome = try await omni.outcome(ofOrder: order.orderId)
                if outcome.type == OrdersType.orderConfirmed { confirmed.append(order.channel) } else { rejected.append(try outcome.payload(OrderRejected.self)) }
            }
            // Exactly as many succeed as there were jackets; the others get a reason they can show.
            #expect(confirmed.count == 2, "confirmed on \(confirmed)")
            #expect(rejected.count == 10 && rejected.allSatisfy { $0.reasonCode == "insufficient-stock" && !$0.message.isEmpty }, "\(rejected.map(\.reasonCode))")
            // Nothing is left to promise anywhere, and the ledger adds up: three received, one sold at the till, two held or sold for orders.
            #expect(try await omni.available(jacket, channel: "web") == 0)
            #expect(try await omni.available(jacket, channel: "pos", store: station) == 0)
            let stock = try await omni.get("/stock/\(jacket)/locations/\(station)", as: Read.Stock.self, from: .catalog)
            #expect(stock.onHand == stock.ledgerOnHand && stock.onHand - stock.reserved == 0 && stock.available == 0, "\(stock)")
            #expect(stock.movements.filter { $0.kind == "pos-sale" }.map(\.quantity) == [-1])
        }
    }
}
