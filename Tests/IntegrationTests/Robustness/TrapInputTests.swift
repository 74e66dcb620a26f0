import CatalogContracts
import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import Testing

/// Single inputs that used to trap a service (exit 132) and, since the offset was never
/// stored, trapped every replica again on every restart. Each is sent as the real command
/// or request to the real process: the service stays ready, the sender gets a rejection
/// with a reason, and the next message on the same partition is handled.
@Suite("Robustness: one extreme input never traps a service (real processes)")
struct TrapInputTests {
    static func unique() -> String { UUID().uuidString.prefix(8).lowercased() }

    @Test("customers: RedeemLoyalty with Int.min and AdjustLoyalty with Int.max on a positive balance are rejected")
    func loyaltyExtremes() async throws {
        let stack = try await ServiceStack(.customers)
        defer { Task { await stack.stop() } }
        let tag = Self.unique()
        let registered = try await stack.perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, "trap.\(tag)@example.com")]),
                                                 key: "trap.\(tag)@example.com")
        let id = try registered.payload(CustomerRegistered.self).profile.customerId
        let earned = try await stack.perform(CustomersType.adjustLoyalty, AdjustLoyalty(customer: .id(id), points: 100, reason: "goodwill", reference: "t-1"), key: id)
        #expect(try earned.payload(LoyaltyChanged.self).balance == 100)

        let huge = try await stack.perform(CustomersType.adjustLoyalty, AdjustLoyalty(customer: .id(id), points: .max, reason: "typo", reference: "t-2"), key: id)
        #expect(huge.type == CustomersType.commandRejected)
        #expect(try huge.payload(CommandRejected.self).reasonCode == "invalid-points")
        let negative = try await stack.perform(CustomersType.redeemLoyalty, RedeemLoyalty(customer: .id(id), points: .min, reference: "order-x"), key: id)
        #expect(try negative.payload(CommandRejected.self).reasonCode == "invalid-points")

        // The same partition goes on.
        let spent = try await stack.perform(CustomersType.redeemLoyalty, RedeemLoyalty(customer: .id(id), points: 30, reference: "order-1"), key: id)
        #expect(try spent.payload(LoyaltyChanged.self).balance == 70)
        #expect(stack.http.isRunning)
        #expect(try await stack.http.get("/health/ready").0 == 200)
    }

    @Test("orders: AddCartItem with Int.max for a sku in the cart is rejected; a cart priced past Int64 still answers")
    func cartExtremes() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 5])
        let owner = "cust-\(Self.unique())"

        // Catalog refuses a price no sum could carry...
        let refusedPrice = try await stack.perform(CatalogType.setPrice, SetPrice(sku: fixtures.sku, channel: "default", currency: "EUR", amountMinor: .max),
                                                   key: fixtures.sku)
        #expect(try refusedPrice.payload(CommandRejected.self).reasonCode == "invalid-amount")

        #expect(try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: owner, sku: fixtures.sku, quantity: 2), key: owner).type == OrdersType.cartUpdated)
        let huge = try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: owner, sku: fixtures.sku, quantity: .max), key: owner)
        #expect(try huge.payload(CommandRejected.self).reasonCode == "invalid-quantity")
        let next = try await stack.perform(OrdersType.addCartItem, AddCartItem(ownerId: owner, sku: fixtures.sku, quantity: 1), key: owner)
        #expect(try next.payload(CartUpdated.self).lines == [CartLine(sku: fixtures.sku, quantity: 3)])

        // ... but orders' read model may hold one from before the bound (or from elsewhere):
        // the cart answers, with no total for that line, instead of trapping.
        let unit = Int64.max / 2
        try await stack.publishEvent(CatalogType.priceChanged, PriceChanged(sku: fixtures.sku, channel: "default", storeId: nil, currency: "EUR",
                                                                          amountMinor: unit, validFrom: nil, validTo: nil, previousAmountMinor: fixtures.price),
                                     of: .catalog, key: fixtures.sku)
        struct Cart: Decodable {
            struct Line: Decodable { var sku: String; var quantity: Int; var unitPriceMinor: Int64?; var lineTotalMinor: Int64?; var available: Bool }
            var lines: [Line]
            var subtotalMinor: Int64
        }
        let cart = try await stack.poll("/carts/\(owner)", as: Cart.self, from: .orders) { $0.lines.first?.unitPriceMinor == unit }
        #expect(cart.lines.first?.unitPriceMinor == unit)
        #expect(cart.lines.first?.lineTotalMinor == nil && cart.lines.first?.available == false)
        #expect(cart.subtotalMinor == 0)
        #expect(stack.http(.orders).isRunning)
        #expect(try await stack.http(.orders).get("/health/ready").0 == 200)
    }

    @Test("notifications: a first name and an order id holding CRLF and a header reach the real SMTP server as one recipient and no extra header")
    func headerInjection() async throws {
        let smtp = try await SMTPServerProcess()
        let stack = try await ServiceStack([.notifications], environment: ["OMNI_SMTP_PORT": "\(smtp.port)"])
        defer { Task { await stack.stop() } }
        let tag = Self.unique()
        let orderId = "ord-\(tag)\r\nBcc: order@example.org"
        let line = OrderLine(lineId: "1", sku: "lamp", name: "Lamp\r\nX-Injected: 1", category: "home", quantity: 1, unitPriceMinor: 4_900)
        let order = OrderSnapshot(orderId: orderId, status: "confirmed", channel: "web", storeId: nil, customerId: "cust-\(tag)", currency: "EUR", lines: [line],
                                  promoCodes: [], fulfilment: OrderFulfilment(mode: .delivery),
                                  contact: OrderContact(firstName: "Ada\r\nBcc: x@example.org", email: "ada.\(tag)@example.com"),
                                  subtotalMinor: 4_900, discountMinor: 0, totalMinor: 4_900, placedAt: Date())
        try await stack.publishEvent(OrdersType.orderConfirmed, OrderEvent(order: order), of: .orders, key: "ord-\(tag)")
        let mail = try #require(try await smtp.waitForMessages(1).first)
        let lines = mail.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .init(charactersIn: "\r")) }
        let headers = lines.prefix { !$0.isEmpty }
        #expect(headers.filter { $0.hasPrefix("X-RcptTo:") } == ["X-RcptTo: ada.\(tag)@example.com"], "\(headers)")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Injected:") }, "\(headers)")
        #expect(headers.contains { $0.hasPrefix("Subject:") && $0.contains("ord-\(tag)") && $0.contains("Bcc: order@example.org") }, "\(headers)")
        #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Injected:") }, "no line of the body starts a header either: \(mail)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(smtp.messages.count == 1)
        #expect(stack.http(.notifications).isRunning)
    }
}
