import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

/// JOURNEYS.md's journeys, one at a time: each starts the whole of Omni for itself, and
/// some timings (J4's collect window, J6's fraction of a second) are part of the story.
@Suite("Journeys: JOURNEYS.md on the five real services, the dev broker, Postgres, SMTP and webhooks", .serialized)
struct Journeys {}

/// The whole of Omni for one journey: the five real service processes on a broker and
/// schemas of their own, a real SMTP server for email, a real HTTP receiver standing in
/// for the SMS and push providers, and a small shop loaded through catalog's commands.
/// Tests drive it only through topics and HTTP, as the channels do.
final class JourneyStack: Sendable {
    let services: ServiceStack
    let smtp: SMTPServerProcess
    let providers: WebhookReceiver
    let shop = JourneyShop()
    /// Makes ids and addresses unique to the test.
    let tag = String(UUID().uuidString.prefix(6).lowercased())

    /// `environment` adds to every service's (a short collect window, say).
    init(environment: [String: String] = [:]) async throws {
        smtp = try await SMTPServerProcess()
        providers = try await WebhookReceiver()
        services = try await ServiceStack([.orders, .catalog, .promotions, .customers, .notifications], environment: [
            "OMNI_SMTP_PORT": "\(smtp.port)", "OMNI_SMS_WEBHOOK_URL": "\(providers.url)/sms", "OMNI_PUSH_WEBHOOK_URL": "\(providers.url)/push",
        ].merging(environment) { $1 })
        try await shop.load(into: services)
    }

    func stop() async {
        await services.stop()
        providers.stop()
    }

    var watcher: EventWatcher { services.watcher }

    /// A person as the web (or `channel`) registers them, by first name, with an email
    /// (and a phone), the consents they gave or refused; returns the customer id.
    func customer(_ firstName: String, phone: String? = nil, locale: String = "en-GB", consents: [(ContactMedium, Bool)] = [(.email, true)],
                  preferred: ContactMedium? = nil, quietHours: QuietHours? = nil, channel: String = "web") async throws -> String {
        try await services.registerCustomer([CustomerIdentifier(.email, email(firstName))] + (phone.map { [CustomerIdentifier(.phone, $0)] } ?? []),
                                            profile: ProfileFields(firstName: firstName, locale: locale, timeZone: "UTC"), consents: consents,
                                            preferred: preferred, quietHours: quietHours, channel: channel)
    }

    func email(_ firstName: String) -> String { "\(firstName.lowercased()).\(tag)@example.com" }

    /// Places `order` from its channel and waits for its outcome: confirmed or rejected.
    func place(_ order: PlaceOrder) async throws -> CloudEvent {
        try await OrdersFixtures.place(order, on: services, channel: order.channel)
    }

    /// Sends `order` from its channel without waiting (orders racing each other).
    func send(_ order: PlaceOrder) async throws -> CloudEvent {
        try await services.send(OrdersType.placeOrder, order, key: order.orderId, channel: order.channel)
    }

    /// The outcome of the order `orderId`: confirmed or rejected.
    func outcome(ofOrder orderId: String) async throws -> CloudEvent {
        try await watcher.first(OrdersType.orderConfirmed, timeout: .seconds(45)) { (try? $0.payload(OrderEvent.self).order.orderId) == orderId }
            orReject: { (try? $0.payload(OrderRejected.self).orderId) == orderId }
    }

    /// Places `order` and returns it as confirmed (fails the test with the rejection otherwise).
    func confirmed(_ order: PlaceOrder) async throws -> OrderSnapshot {
        let outcome = try await place(order)
        guard outcome.type == OrdersType.orderConfirmed else {
            throw ServiceProcess.ProcessFailure(description: "\(order.orderId) was not confirmed: \(String(decoding: outcome.data, as: UTF8.self))")
        }
        return try outcome.payload(OrderEvent.self).order
    }

    /// A command and the first event it caused.
    func perform<Payload: Encodable>(_ type: String, _ payload: Payload, key: String, channel: String? = nil,
                                     expecting: Set<String>? = nil) async throws -> CloudEvent {
        try await services.perform(type, payload, key: key, channel: channel, expecting: expecting)
    }

    func get<T: Decodable>(_ path: String, as _: T.Type = T.self, from service: ServiceName) async throws -> T {
        try await services.getJSON(path, from: service)
    }

    func poll<T: Decodable>(_ path: String, as _: T.Type = T.self, from service: ServiceName, timeout: Duration = .seconds(20),
                            until done: (T) -> Bool) async throws -> T {
        try await services.poll(path, from: service, timeout: timeout, until: done)
    }

    /// Promotions' price for `basket` with `codes`, as a channel asks before checkout.
    func quote(_ basket: Basket, codes: [String] = []) async throws -> Read.Quote {
        struct Request: Encodable { var basket: Basket; var codes: [String] }
        let (status, _, body) = try await services.http(.promotions).post("/quotes", json: try JSONCoding.encoder.encode(Request(basket: basket, codes: codes)))
        guard status == 200 else { throw ServiceProcess.ProcessFailure(description: "POST /quotes → \(status): \(body)") }
        return try JSONCoding.decoder.decode(Read.Quote.self, from: Data(body.utf8))
    }

    /// What `channel` (at `store` for an in-store channel) may sell of `sku` now.
    func available(_ sku: String, channel: String, store: String? = nil) async throws -> Int {
        try await get("/availability/\(sku)?channel=\(channel)\(store.map { "&store=\($0)" } ?? "")", as: Read.Availability.self, from: .catalog).available
    }

    /// What one location may promise of `sku` (a store's page on the web).
    func available(_ sku: String, at location: String) async throws -> Int {
        try await get("/availability/\(sku)/locations/\(location)", as: Read.LocationAvailability.self, from: .catalog).available
    }

    /// The customer's 360 view in customers, once `done` holds for it.
    func view(_ customerId: String, until done: (Read.CustomerView) -> Bool = { _ in true }) async throws -> Read.CustomerView {
        try await poll("/customers/\(customerId)", from: .customers, until: done)
    }

    /// Notifications' message log for the customer, once `done` holds for it.
    func messages(_ customerId: String, until done: ([Read.Message]) -> Bool = { _ in true }) async throws -> [Read.Message] {
        try await poll("/customers/\(customerId)/messages", as: Read.MessageLog.self, from: .notifications) { done($0.messages) }.messages
    }
}

/// The shop: a warehouse near Arras, two Lille stores with opening hours and click &
/// collect (Lille Gare also ships from store, so its stock serves the web), a store in
/// Nice and an outlet without click & collect; shoes, socks and a rain jacket at one
/// price on every channel; stock here and there.
struct JourneyShop {
    let fixtures = OrdersFixtures()
    var catalog: CatalogFixtures { fixtures.catalog }
    var warehouse: String { catalog.warehouse }
    /// Lille Centre: click & collect; its stock is its own (the web does not ship from it).
    var store: String { catalog.store }
    /// Lille Gare: click & collect and ship-from-store.
    var stationStore: String { catalog.nearbyStore }

    var shoe: String { fixtures.sku }
    var shoePrice: Int64 { fixtures.price }
    let socks = "SKU-SOCKS"
    let socksPrice: Int64 = 1_200
    let jacket = "SKU-JACKET"
    let jacketPrice: Int64 = 14_900

    /// Units received per sku and location.
    var stock: [String: [String: Int]] {
        [shoe: [warehouse: 20, store: 6, stationStore: 4], socks: [warehouse: 50, store: 10], jacket: [stationStore: 3]]
    }

    func load(into stack: ServiceStack) async throws {
        try await fixtures.load(into: stack, stock: stock[shoe]!)
        for (sku, name, category, price) in [(socks, "Merino socks", "socks", socksPrice), (jacket, "Rain jacket", "clothing", jacketPrice)] {
            let product = UpsertProduct(sku: sku, name: name, description: name, category: category, attributes: [:])
            try expect(CatalogType.productUpserted, try await stack.perform(CatalogType.upsertProduct, product, key: sku))
            try expect(CatalogType.priceChanged, try await stack.perform(CatalogType.setPrice, SetPrice(sku: sku, channel: "default", storeId: nil, currency: "EUR",
                                                                                                        amountMinor: price), key: sku))
            for (location, quantity) in stock[sku]!.sorted(by: { $0.key < $1.key }) {
                try expect(CatalogType.stockMovementRecorded, try await stack.perform(CatalogType.receiveStock, ReceiveStock(
                    sku: sku, locationId: location, quantity: quantity, reference: "PO-\(sku)"), key: sku))
            }
        }
        try await fixtures.waitForReadModel(stack, rows: ["products": 3, "prices": 3, "locations": catalog.locations.count + 1])
    }

    private func expect(_ type: String, _ outcome: CloudEvent) throws {
        guard outcome.type == type else { throw CatalogFixtures.Unexpected(outcome) }
    }

    /// A web order delivered to Lille (the nearest location with every line ships it).
    func delivery(_ orderId: String, customerId: String?, _ lines: [OrderLineRequest], channel: String = "web", codes: [String]? = nil,
                  contact: OrderContact? = nil) -> PlaceOrder {
        var order = fixtures.deliveryOrder(orderId, customerId: customerId, codes: codes, channel: channel)
        order.lines = lines
        order.contact = contact
        return order
    }

    /// Click & collect at `storeId` (Lille Centre by default).
    func pickup(_ orderId: String, customerId: String?, _ lines: [OrderLineRequest], at storeId: String? = nil, channel: String = "web",
                codes: [String]? = nil) -> PlaceOrder {
        var order = fixtures.pickupOrder(orderId, customerId: customerId, codes: codes, at: storeId, channel: channel)
        order.lines = lines
        order.contact = nil
        return order
    }

    /// Bought at a till (or kiosk, or an associate's tablet) of `storeId` and taken away.
    func tillSale(_ orderId: String, customerId: String?, _ lines: [OrderLineRequest], at storeId: String? = nil, channel: String = "pos",
                  codes: [String]? = nil) -> PlaceOrder {
        PlaceOrder(orderId: orderId, channel: channel, storeId: storeId ?? store, customerId: customerId, lines: lines, promoCodes: codes,
                   fulfilment: OrderFulfilment(mode: .inStore), paymentReference: "till-\(orderId)")
    }
}

/// How the services answer over HTTP, as far as the journeys read it.
enum Read {
    struct CustomerView: Decodable {
        struct Consent: Decodable { var medium: String; var granted: Bool }
        struct Loyalty: Decodable { var balance: Int }
        var customerId: String
        var profile: CustomerProfile
        var formerIds: [String]
        var consents: [Consent]
        var loyalty: Loyalty
        var segments: [String]
        var recentOrders: [RecentOrder]
        var openCarts: [OpenCart]
        var recentTimeline: [TimelineEntry]
        struct RecentOrder: Decodable { var orderId: String; var channel: String; var totalMinor: Int64 }
        struct OpenCart: Decodable { var ownerId: String; var lines: [CartLine]; var lastChannel: String? }
    }

    struct TimelineEntry: Decodable {
        var kind: String
        var channel: String?
        var summary: String
        var reference: String?
    }

    struct Timeline: Decodable { var entries: [TimelineEntry] }

    struct Lead: Decodable {
        struct Visit: Decodable { var visitedBy: String; var notes: String }
        var leadId: String
        var customerId: String
        var score: Int
        var assignee: LeadAssignee
        var status: String
        var convertedOrder: String?
        var visits: [Visit]
    }

    struct Order: Decodable {
        var order: OrderSnapshot
        var pickupCode: String?
        var returns: [ItemsReturned]
    }

    struct OrderList: Decodable { var orders: [OrderSnapshot] }

    struct Cart: Decodable {
        struct Line: Decodable { var sku: String; var quantity: Int; var unitPriceMinor: Int64? }
        var ownerId: String
        var channel: String
        var lines: [Line]
        var subtotalMinor: Int64
        var itemCount: Int
        var lastChannel: String?
    }

    struct LocationAvailability: Decodable { var locationId: String; var onHand: Int; var reserved: Int; var available: Int }

    struct Availability: Decodable { var available: Int; var locations: [LocationAvailability] }

    struct Price: Decodable { var currency: String; var amountMinor: Int64 }

    struct Stock: Decodable {
        struct Movement: Decodable { var kind: String; var quantity: Int; var reference: String? }
        var onHand: Int
        var reserved: Int
        var available: Int
        var ledgerOnHand: Int
        var movements: [Movement]
    }

    /// Promotions' `POST /quotes`.
    struct Quote: Decodable { var pricing: Pricing; var rejections: [CodeRejection] }

    struct Message: Decodable {
        var trigger: String
        var template: String
        var medium: String
        var status: String
        var reason: String?
        var subject: String?
    }

    struct MessageLog: Decodable { var messages: [Message] }
}
