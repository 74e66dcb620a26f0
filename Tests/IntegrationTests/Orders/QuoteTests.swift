import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

@Suite("Orders: B2B quotes (real processes)", .serialized)
struct QuoteTests {
    @Test("A field rep quotes a lead with a code; the price rises; the customer converts the quote on the web at the quoted price, once; the order is the lead's person's and converts the lead; a quote for an unknown lead is refused")
    func quoteToOrder() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog, .promotions, .customers])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.catalog.warehouse: 10])
        _ = try await stack.perform(PromotionsType.upsertPromotion, Promotion(promotionId: "fb15", name: "FB15", kind: .percentOff, percent: 15, code: "FB15"),
                                    key: "fb15")
        try await fixtures.waitForReadModel(stack, rows: ["promotions": 1])
        let run = UUID().uuidString.prefix(6), quoteId = "q-\(run)"
        // Ada's club filled the form at a fair: a lead, and her profile.
        let lead = SubmitLead(leadId: "lead-\(run)", identifiers: [CustomerIdentifier(.email, "ada.\(run)@acme.example")], contactName: "Ada Lovelace",
                              company: "Acme", need: "shoes for the club", postalCode: "59000", sourceChannel: "field")
        let routed = try await stack.perform(CustomersType.submitLead, lead, key: lead.leadId, channel: "field", expecting: [CustomersType.leadRouted])
            .payload(LeadRouted.self)
        let quote = CreateQuote(quoteId: quoteId, channel: "field", leadId: "lead-\(run)", lines: [OrderLineRequest(sku: fixtures.sku, quantity: 3)],
                                promoCodes: ["fb15"], validUntil: Date().addingTimeInterval(86_400), contact: OrderContact(firstName: "Ada", email: "ada@acme.example"))
        // Orders learns the lead from customers' events: a quote made right after may come before it.
        var issued = try await stack.perform(OrdersType.createQuote, quote, key: quoteId, channel: "field")
        for _ in 0..<50 where issued.type == OrdersType.commandRejected {
            try await Task.sleep(for: .milliseconds(200))
            issued = try await stack.perform(OrdersType.createQuote, quote, key: quoteId, channel: "field")
        }
        #expect(try issued.payload(QuoteEvent.self).quote.customerId == routed.customerId, "the lead's person's quote")
        // The quoted goods are held for the quote, shown as such in the stock view.
        _ = try await stack.watcher.first(CatalogType.stockReserved) { try $0.payload(StockReserved.self).orderId == quoteId }
        struct Stock: Decodable { struct Hold: Decodable { var sourceKind: String; var sourceId: String; var quantity: Int }; var available: Int; var holds: [Hold] }
        let warehouse = "/stock/\(fixtures.sku)/locations/\(fixtures.catalog.warehouse)"
        let quoted3 = try await stack.getJSON(warehouse, as: Stock.self, from: .catalog)
        #expect(quoted3.available == 7 && quoted3.holds.map(\.sourceKind) == ["quote"] && quoted3.holds.first?.sourceId == quoteId, "\(quoted3.holds)")
        var stranger = quote
        stranger.quoteId = "q-stranger-\(run)"
        stranger.leadId = "lead-nobody-\(run)"
        #expect(try await stack.perform(OrdersType.createQuote, stranger, key: stranger.quoteId).payload(CommandRejected.self).reasonCode == "unknown-lead")
        let quoted = try issued.payload(QuoteEvent.self).quote
        #expect(quoted.status == "open" && quoted.subtotalMinor == 3 * fixtures.price && quoted.discountMinor == 3 * fixtures.price * 15 / 100)
        #expect(try await stack.perform(OrdersType.createQuote, quote, key: quoteId).payload(QuoteEvent.self).quote == quoted, "a retry answers the same")

        // Refusals a rep can act on.
        for (bad, reason) in [(CreateQuote(quoteId: "q-past-\(run)", channel: "field", leadId: "l", lines: quote.lines, validUntil: Date().addingTimeInterval(-60)), "invalid-validity"),
                              (CreateQuote(quoteId: "q-sku-\(run)", channel: "field", leadId: "l", lines: [OrderLineRequest(sku: "NOPE", quantity: 1)],
                                           validUntil: quote.validUntil), "unknown-sku"),
                              (CreateQuote(quoteId: "q-code-\(run)", channel: "field", leadId: "l", lines: quote.lines, promoCodes: ["NOPE"],
                                           validUntil: quote.validUntil), "code-refused"),
                              (CreateQuote(quoteId: "q-who-\(run)", channel: "field", lines: quote.lines, validUntil: quote.validUntil), "missing-field")] {
            let outcome = try await stack.perform(OrdersType.createQuote, bad, key: bad.quoteId)
            #expect(try outcome.payload(CommandRejected.self).reasonCode == reason)
        }

        _ = try await stack.perform(CatalogType.setPrice, SetPrice(sku: fixtures.sku, channel: "default", storeId: nil, currency: "EUR", amountMinor: fixtures.price + 2_000),
                                    key: fixtures.sku)
        let orderId = "ord-q-\(run)"
        let convert = ConvertQuote(quoteId: quoteId, orderId: orderId, channel: "web", fulfilment: fixtures.deliveryOrder(orderId, customerId: nil).fulfilment,
                                   paymentReference: "po-4711")
        let converted = try await stack.perform(OrdersType.convertQuote, convert, key: quoteId, expecting: [OrdersType.quoteConverted, OrdersType.orderRejected,
                                                                                                        OrdersType.commandRejected])
        #expect(try converted.payload(QuoteEvent.self).quote.orderId == orderId)
        let confirmed = try await stack.watcher.first(OrdersType.orderConfirmed) { try $0.payload(OrderEvent.self).order.orderId == orderId }
        let order = try confirmed.payload(OrderEvent.self).order
        #expect(order.lines.map(\.unitPriceMinor) == [fixtures.price], "the quoted price, not today's")
        #expect(order.totalMinor == quoted.totalMinor)
        #expect(order.customerId == routed.customerId, "on the lead's person's history")
        // The order took the quote's hold over: the same units, now the order's.
        let handedOver = try await stack.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).orderId == quoteId }
        #expect(try handedOver.payload(ReservationReleased.self).reason.hasPrefix("replaced-by-"))
        let ordered = try await stack.poll(warehouse, as: Stock.self, from: .catalog) { $0.holds.map(\.sourceKind) == ["order"] }
        #expect(ordered.available == 7 && ordered.holds.first?.sourceId == orderId && ordered.holds.first?.quantity == 3, "\(ordered.holds)")

        // Her order converts the lead, and her journey has the channel it converted on.
        let leadConverted = try await stack.watcher.first(CustomersType.leadConverted) { try $0.payload(LeadConverted.self).leadId == lead.leadId }
        #expect(try leadConverted.payload(LeadConverted.self) == LeadConverted(leadId: lead.leadId, customerId: routed.customerId, orderId: orderId))
        struct Lead: Decodable { var status: String; var convertedOrder: String? }
        let after = try await stack.poll("/leads/\(lead.leadId)", as: Lead.self, from: .customers) { $0.status == "converted" }
        #expect(after.convertedOrder == orderId)
        struct Journey: Decodable { var entryChannel: String?; var firstPurchaseChannel: String? }
        let journey = try await stack.poll("/customers/\(routed.customerId)/journey", as: Journey.self, from: .customers) { $0.firstPurchaseChannel != nil }
        #expect(journey.entryChannel == "field" && journey.firstPurchaseChannel == "web", "\(journey)")

        var twice = convert
        twice.orderId = "ord-q2-\(run)"
        #expect(try await stack.perform(OrdersType.convertQuote, twice, key: quoteId).payload(CommandRejected.self).reasonCode == "quote-converted")
        struct View: Decodable { var status: String; var orderId: String? }
        let view: View = try await stack.getJSON("/quotes/\(quoteId)", from: .orders)
        #expect(view.status == "converted" && view.orderId == orderId)
        var unknown = convert
        unknown.quoteId = "q-none-\(run)"
        #expect(try await stack.perform(OrdersType.convertQuote, unknown, key: unknown.quoteId).payload(CommandRejected.self).reasonCode == "unknown-quote")
        let (status, body) = try await stack.http(.orders).get("/quotes/q-none-\(run)")
        #expect(status == 404 && body.contains("\"status\":404"), "\(body)")
    }

    @Test("A quote not converted in time expires by itself and cannot become an order")
    func expiry() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.catalog.warehouse: 10])
        let quoteId = "q-exp-\(UUID().uuidString.prefix(6))"
        let quote = CreateQuote(quoteId: quoteId, channel: "telesales", customerId: "cust-b2b", lines: [OrderLineRequest(sku: fixtures.sku, quantity: 1)],
                                validUntil: Date().addingTimeInterval(3))
        let issued = try await stack.perform(OrdersType.createQuote, quote, key: quoteId)
        #expect(issued.type == OrdersType.quoteIssued)
        let expired = try await stack.watcher.first(OrdersType.quoteExpired, timeout: .seconds(20)) { try $0.payload(QuoteEvent.self).quote.quoteId == quoteId }
        #expect(try expired.payload(QuoteEvent.self).quote.status == "expired")
        #expect(expired.causationID == issued.causationID && expired.correlationID == issued.correlationID && expired.causationID != nil,
                "expired by the timer, caused by the CreateQuote that issued it")
        let late = ConvertQuote(quoteId: quoteId, orderId: "ord-late", channel: "app", fulfilment: OrderFulfilment(mode: .pickup, storeId: fixtures.store),
                                paymentReference: "psp")
        #expect(try await stack.perform(OrdersType.convertQuote, late, key: quoteId).payload(CommandRejected.self).reasonCode == "quote-expired")
    }
}
