import CatalogContracts
import CustomersContracts
import Foundation
import OmniAuth
import OmniMessaging
import OrdersContracts
import Testing

/// The edge: channels send commands over HTTP with their credential, and get the outcome.
@Suite("Command door: the edge publishes commands as the credential allows and answers with their outcome", .serialized)
struct CommandDoorTests {
    /// A command sent through the edge: the answer, with the body decoded as JSON.
    struct Sent {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        var commandId: String? { json["commandId"] as? String }
        var outcomeType: String? { (json["outcome"] as? [String: Any])?["type"] as? String }
    }

    static func send(_ edge: ServiceProcess, _ type: String, _ payload: some Encodable, token: String, key: String?, wait: String? = "10s") async throws -> Sent {
        var headers: [String: String] = [:]
        if let key { headers["Idempotency-Key"] = key }
        let answer = try await edge.exchange("POST", "/commands/\(type)\(wait.map { "?wait=\($0)" } ?? "")", json: try JSONCoding.encoder.encode(payload),
                                             headers: headers, as: .bearer(token))
        return Sent(status: answer.status, headers: answer.headers, body: answer.body)
    }

    @Test("a till sells at its own store (200 with the confirmation) and gets 403 for another store's; a web client cannot act as pos; the same Idempotency-Key places one order; an out-of-stock order is 422 with its reason")
    func tillAndWeb() async throws {
        let omni = try await JourneyStack()
        defer { Task { await omni.stop() } }
        let edge = try await omni.services.startEdge()
        let shop = omni.shop, tag = omni.tag
        let keys = try TestStack.credentials()
        let till = try await keys.token(as: .pos, name: "till-\(tag)", stores: [shop.store])
        let web = try await keys.token(as: .webShop, name: "web-\(tag)")

        // The till of Lille Centre sells a pair of socks there: the outcome is the order's confirmation.
        let sale = shop.tillSale("ord-till-\(tag)", customerId: nil, [.init(sku: shop.socks, quantity: 1)])
        let sold = try await Self.send(edge, OrdersType.placeOrder, sale, token: till, key: "sale-1")
        #expect(sold.status == 200, "\(sold.body)")
        #expect([OrdersType.orderConfirmed, OrdersType.orderCompleted].contains(sold.outcomeType ?? ""), "\(sold.body)")
        #expect(sold.json["status"] as? String == "succeeded")

        // The same till may not sell Lille Gare's stock: 403, nothing published.
        let elsewhere = shop.tillSale("ord-till-other-\(tag)", customerId: nil, [.init(sku: shop.socks, quantity: 1)], at: shop.stationStore)
        let refused = try await Self.send(edge, OrdersType.placeOrder, elsewhere, token: till, key: "sale-2")
        #expect(refused.status == 403 && refused.headers["Content-Type"] == "application/problem+json", "\(refused.body)")
        #expect(refused.body.contains(shop.stationStore))
        let recordSale = RecordPosSale(saleId: "sale-\(tag)", storeId: shop.stationStore, lines: [.init(sku: shop.socks, quantity: 1)])
        #expect(try await Self.send(edge, CatalogType.recordPosSale, recordSale, token: till, key: "sale-3").status == 403)

        // A web client cannot act as the till to get an in-store order that completes at once.
        let posing = shop.tillSale("ord-web-pos-\(tag)", customerId: nil, [.init(sku: shop.socks, quantity: 1)])
        let posed = try await Self.send(edge, OrdersType.placeOrder, posing, token: web, key: "posing")
        #expect(posed.status == 403 && posed.body.contains("acts as web"), "\(posed.body)")
        // Nor record a till sale, whatever the store.
        #expect(try await Self.send(edge, CatalogType.recordPosSale, recordSale, token: web, key: "web-sale").status == 403)
        let refusedIDs = [posing.orderId, elsewhere.orderId]

        // A web order retried with the same key: one order, the same answer, marked as a replay.
        let order = shop.delivery("ord-web-\(tag)", customerId: nil, [.init(sku: shop.socks, quantity: 2)],
                                  contact: .init(firstName: "Ana", email: "ana.\(tag)@example.com"))
        let first = try await Self.send(edge, OrdersType.placeOrder, order, token: web, key: "checkout-\(tag)")
        let again = try await Self.send(edge, OrdersType.placeOrder, order, token: web, key: "checkout-\(tag)")
        #expect(first.status == 200 && again.status == 200, "\(first.body) / \(again.body)")
        #expect(first.commandId == again.commandId && first.outcomeType == again.outcomeType)
        #expect(again.headers["Idempotent-Replayed"] == "true" && first.headers["Idempotent-Replayed"] == nil)
        // The key reused for another body is refused rather than taken for the first.
        var changed = order
        changed.lines = [.init(sku: shop.socks, quantity: 3)]
        let reused = try await Self.send(edge, OrdersType.placeOrder, changed, token: web, key: "checkout-\(tag)")
        #expect(reused.status == 422 && reused.body.contains("idempotency-key-reused"), "\(reused.body)")

        // More jackets than any store holds: 422 with the saga's reason.
        let tooMany = shop.delivery("ord-jackets-\(tag)", customerId: nil, [.init(sku: shop.jacket, quantity: 50)],
                                    contact: .init(firstName: "Ana", email: "ana.\(tag)@example.com"))
        let short = try await Self.send(edge, OrdersType.placeOrder, tooMany, token: web, key: "jackets-\(tag)")
        #expect(short.status == 422 && short.headers["Content-Type"] == "application/problem+json", "\(short.body)")
        #expect(short.json["reasonCode"] as? String == "insufficient-stock", "\(short.body)")
        #expect(short.outcomeType == OrdersType.orderRejected)

        // Click & collect at Lille Centre: only that store's till prepares it.
        let pickup = shop.pickup("ord-pickup-\(tag)", customerId: nil, [.init(sku: shop.socks, quantity: 1)])
        var withContact = pickup
        withContact.contact = .init(firstName: "Ana", email: "ana.\(tag)@example.com")
        #expect(try await Self.send(edge, OrdersType.placeOrder, withContact, token: web, key: "pickup-\(tag)").status == 200)
        let stationTill = try await keys.token(as: .pos, name: "station-\(tag)", stores: [shop.stationStore])
        let wrongDesk = try await Self.send(edge, OrdersType.markReadyForPickup, OrderStep(orderId: pickup.orderId), token: stationTill, key: "ready")
        #expect(wrongDesk.status == 422 && wrongDesk.json["reasonCode"] as? String == "source-store-mismatch", "\(wrongDesk.body)")
        let ready = try await Self.send(edge, OrdersType.markReadyForPickup, OrderStep(orderId: pickup.orderId), token: till, key: "ready")
        #expect(ready.status == 200 && ready.outcomeType == OrdersType.orderReadyForPickup, "\(ready.body)")

        // On the wire: one PlaceOrder per order the edge let through (one saga answer), none for the refused ones.
        let answered = omni.watcher.events(OrdersType.orderConfirmed).compactMap { try? $0.payload(OrderEvent.self).order.orderId }
            + omni.watcher.events(OrdersType.orderRejected).compactMap { try? $0.payload(OrderRejected.self).orderId }
        #expect(answered.filter { $0 == order.orderId }.count == 1, "\(answered)")
        #expect(answered.filter { refusedIDs.contains($0) }.isEmpty, "\(answered)")
    }

    @Test("without waiting the edge answers 202 with a link to poll; the poll gives the outcome to its client only; a command needs a key, a known type and a valid body; the saga's own steps are not offered")
    func pollAndRefusals() async throws {
        let omni = try await JourneyStack()
        defer { Task { await omni.stop() } }
        let edge = try await omni.services.startEdge()
        let shop = omni.shop, tag = omni.tag
        let keys = try TestStack.credentials()
        let app = try await keys.token(as: .app, name: "app-\(tag)")
        let other = try await keys.token(as: .app, name: "other-\(tag)")

        let add = AddCartItem(ownerId: "sess-\(tag)", sku: shop.shoe, quantity: 1)
        let accepted = try await Self.send(edge, OrdersType.addCartItem, add, token: app, key: "add-1", wait: "0s")
        #expect(accepted.status == 202, "\(accepted.body)")
        let link = try #require(accepted.headers["Location"])
        #expect(link == "/outcomes/\(accepted.commandId ?? "")")
        let polled = try await edge.exchange("GET", link + "?wait=10s", as: .bearer(app))
        #expect(polled.status == 200 && polled.body.contains(OrdersType.cartUpdated), "\(polled.body)")
        #expect(try await edge.exchange("GET", link, as: .bearer(other)).status == 404)

        // A service's refusal comes back as 422 with its reason code.
        let zero = AddCartItem(ownerId: "sess-\(tag)", sku: shop.shoe, quantity: 0)
        let refused = try await Self.send(edge, OrdersType.addCartItem, zero, token: app, key: "add-0")
        #expect(refused.status == 422 && refused.json["reasonCode"] as? String == "invalid-quantity", "\(refused.body)")

        #expect(try await Self.send(edge, OrdersType.addCartItem, add, token: app, key: nil).status == 400)
        #expect(try await Self.send(edge, "omni.orders.MakeItFree.v1", add, token: app, key: "x").status == 404)
        #expect(try await Self.send(edge, OrdersType.placeOrder, add, token: app, key: "wrong-body").status == 400)
        #expect(try await Self.send(edge, CatalogType.releaseReservation, ReleaseReservation(reservationId: "res-1", reason: "x"), token: app, key: "saga").status == 404)
        // Goodwill points are a person's decision; a catalog change needs its scope.
        #expect(try await Self.send(edge, CatalogType.setPrice, SetPrice(sku: shop.shoe, channel: "web", storeId: nil, currency: "EUR", amountMinor: 1),
                                    token: app, key: "price").status == 403)
        #expect(try await edge.exchange("POST", "/commands/\(OrdersType.addCartItem)", json: Data("{}".utf8), headers: ["Idempotency-Key": "k"],
                                        as: .anonymous).status == 401)
    }

    @Test("a client over its rate gets 429 problem+json with Retry-After; another client is not slowed by it")
    func rateLimit() async throws {
        let stack = try await ServiceStack(.catalog)
        defer { Task { await stack.stop() } }
        let edge = try await stack.startEdge(environment: ["OMNI_EDGE_RATE_PER_SECOND": "0.5", "OMNI_EDGE_BURST": "3"])
        let keys = try TestStack.credentials()
        let tag = UUID().uuidString.prefix(6).lowercased()
        let busy = try await keys.token(as: .app, name: "busy-\(tag)"), calm = try await keys.token(as: .app, name: "calm-\(tag)")
        let path = "/outcomes/\(UUID().uuidString.lowercased())"
        for _ in 0..<3 { #expect(try await edge.exchange("GET", path, as: .bearer(busy)).status == 404) }
        let limited = try await edge.exchange("GET", path, as: .bearer(busy))
        #expect(limited.status == 429 && limited.headers["Content-Type"] == "application/problem+json", "\(limited.body)")
        #expect((1...2).contains(Int(limited.headers["Retry-After"] ?? "") ?? 0), "\(limited.headers)")
        #expect(try await edge.exchange("GET", path, as: .bearer(calm)).status == 404)
    }

    @Test("journey through the edge only, with scoped tokens: a customer registers in the app and fills her cart there, then pays for it at the till of Lille Centre, which checks out that cart")
    func cartOnTheAppPaidAtTheTill() async throws {
        let omni = try await JourneyStack()
        defer { Task { await omni.stop() } }
        let edge = try await omni.services.startEdge()
        let shop = omni.shop, tag = omni.tag
        let keys = try TestStack.credentials()
        let app = try await keys.token(as: .app, name: "app-\(tag)")
        let till = try await keys.token(as: .pos, name: "till-\(tag)", stores: [shop.store])

        let registered = try await Self.send(edge, CustomersType.registerCustomer, RegisterCustomer(
            identifiers: [.init(.email, omni.email("Lina"))], profile: .init(firstName: "Lina", locale: "fr-FR", timeZone: "Europe/Paris")), token: app, key: "signup")
        #expect(registered.status == 200 && registered.outcomeType == CustomersType.customerRegistered, "\(registered.body)")
        let data = (registered.json["outcome"] as? [String: Any])?["data"] as? [String: Any]
        let lina = try #require((data?["profile"] as? [String: Any])?["customerId"] as? String)

        for (sku, quantity) in [(shop.shoe, 1), (shop.socks, 2)] {
            let added = try await Self.send(edge, OrdersType.addCartItem, AddCartItem(ownerId: lina, sku: sku, quantity: quantity), token: app, key: "add-\(sku)")
            #expect(added.status == 200 && added.outcomeType == OrdersType.cartUpdated, "\(added.body)")
        }
        // At the till: no lines, the customer's cart; channel and store come from the till's credential.
        let checkout = #"{"orderId": "ord-\#(tag)", "customerId": "\#(lina)", "fulfilment": {"mode": "in-store"}, "paymentReference": "till-\#(tag)"}"#
        let answer = try await edge.exchange("POST", "/commands/\(OrdersType.placeOrder)?wait=10s", json: Data(checkout.utf8),
                                             headers: ["Idempotency-Key": "checkout"], as: .bearer(till))
        let paid = Sent(status: answer.status, headers: answer.headers, body: answer.body)
        #expect(paid.status == 200 && paid.outcomeType == OrdersType.orderConfirmed, "\(paid.body)")
        let order = try JSONCoding.decoder.decode(OrderEvent.self, from: try JSONSerialization.data(withJSONObject: (paid.json["outcome"] as? [String: Any])?["data"] ?? [:]))
        #expect(order.order.channel == "pos" && order.order.storeId == shop.store && order.order.customerId == lina)
        #expect(Dictionary(uniqueKeysWithValues: order.order.lines.map { ($0.sku, $0.quantity) }) == [shop.shoe: 1, shop.socks: 2])
        let confirmed = try #require(omni.watcher.events(OrdersType.orderConfirmed).first { (try? $0.payload(OrderEvent.self).order.orderId) == "ord-\(tag)" })
        #expect(confirmed.correlationID == paid.commandId, "the saga of the till's command")
        let cart = try await omni.poll("/carts/\(lina)?channel=app", as: Read.Cart.self, from: .orders) { $0.itemCount == 0 }
        #expect(cart.lines.isEmpty, "the cart was checked out at the till")
    }
}
