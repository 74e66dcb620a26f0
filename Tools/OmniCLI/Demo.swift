import ArgumentParser
import CatalogContracts
import CustomersContracts
import Foundation
import OmniChannel
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OmniMessaging
import OrdersContracts
import PromotionsContracts

/// `omni-cli demo seed|journey`: a believable shop on a running stack (`scripts/omni up
/// --demo` seeds it), and a cross-channel journey replayed on it, printing what each
/// service did as its events arrive.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seed a demo shop, or replay a click & collect journey across channels and print what each service did.",
        subcommands: [Seed.self, Journey.self]
    )

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A warehouse, three stores, products with prices and stock, promotions, customers (once per stack).")
        @OptionGroup var broker: BrokerOptions
        func run() async throws {
            let script = try await DemoScript(bootstrap: try broker.resolve(), printing: { _ in false })
            try await script.seed()
            await script.close()
        }
    }

    struct Journey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Chloé's cart from the app to the till, every service's events printed as they happen.")
        @OptionGroup var broker: BrokerOptions
        func run() async throws {
            let journey = UUID().uuidString.lowercased()
            let script = try await DemoScript(bootstrap: try broker.resolve(), printing: { $0.correlationID == journey })
            try await script.seed()
            try await script.clickAndCollect(journey: journey)
            await script.close()
        }
    }
}

/// The demo's shop and story, told through the topics as the channels would.
final class DemoScript: Sendable {
    private let channel: CommandChannel
    static let warehouse = "dc-lille", centre = "st-lille-centre", station = "st-lille-gare", paris = "st-paris-rivoli"
    static let products: [(sku: String, name: String, category: String, priceMinor: Int64)] = [
        ("TRAIL-42", "Trail running shoes", "shoes", 8_900), ("ROAD-41", "Road running shoes", "shoes", 11_900),
        ("SOCKS-M", "Merino socks", "socks", 1_500), ("JACKET-RAIN", "Rain jacket", "clothing", 14_900),
        ("CAP-RUN", "Running cap", "accessories", 2_200), ("BOTTLE-05", "Soft flask 0.5 l", "accessories", 1_900),
    ]

    init(bootstrap: String, printing shouldPrint: @escaping @Sendable (CloudEvent) -> Bool) async throws {
        let topics = [ServiceName.customers, .catalog, .orders, .promotions, .notifications].map(Topics.events)
        channel = try await CommandChannel(bootstrap: bootstrap, topics: topics, logger: CLILogging.logger()) { event in
            guard shouldPrint(event) else { return }
            print(Self.line(event))
        }
    }

    func close() async { await channel.close() }

    /// "  orders         OrderConfirmed         ord-1f2e…  total 151.30 EUR"
    static func line(_ event: CloudEvent) -> String {
        let service = event.source.split(separator: "/").last.map(String.init) ?? event.source
        let name = event.type.split(separator: ".").dropFirst(2).first.map(String.init) ?? event.type
        let padded = { (text: String, width: Int) in text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        return "    " + padded(service, 14) + padded(name, 28) + (event.subject ?? "")
    }

    /// Sends a command and waits for the event it caused (one of `outcomes`); fails on a rejection.
    @discardableResult
    private func perform(_ type: String, _ payload: some Encodable, to service: ServiceName, key: String, channel name: String = "web",
                         journey: String? = nil, outcomes: Set<String>) async throws -> String {
        let command = try await channel.send(type, payload, to: service, key: key, channel: name, correlation: journey)
        let rejected = "omni.\(service.rawValue).CommandRejected.v1"
        _ = try await channel.waitForOutcomes(of: [command.id], types: outcomes.union([rejected, OrdersType.orderRejected]), timeout: .seconds(60))
        guard channel.count(rejected, causedBy: [command.id]) == 0 else { throw CLIError("\(type) was refused (see scripts/omni tail \(Topics.events(service)))") }
        return command.id.uuidString
    }

    /// The shop, once per stack: a product already there means it was seeded.
    func seed() async throws {
        if await Self.exists("http://127.0.0.1:8082/products/\(Self.products[0].sku)") {
            print("demo shop already seeded")
            return
        }
        print("seeding the demo shop")
        let hours = ["mon", "tue", "wed", "thu", "fri", "sat"].map { UpsertLocation.OpeningHours(day: $0, opens: "09:30", closes: "19:30") }
        let locations = [
            UpsertLocation(locationId: Self.warehouse, kind: .warehouse, name: "Lille distribution centre",
                           address: .init(street: "ZI de la Pilaterie", city: "Wasquehal", postalCode: "59290", country: "FR"),
                           coordinates: GeoPoint(latitude: 50.67, longitude: 3.13)),
            UpsertLocation(locationId: Self.centre, kind: .store, name: "Omni Lille Centre", address: .init(street: "12 rue Neuve", city: "Lille", postalCode: "59000", country: "FR"),
                           openingHours: hours, coordinates: GeoPoint(latitude: 50.637, longitude: 3.063), clickAndCollect: true),
            UpsertLocation(locationId: Self.station, kind: .store, name: "Omni Lille Gare", address: .init(street: "1 place des Buisses", city: "Lille", postalCode: "59800", country: "FR"),
                           openingHours: hours, coordinates: GeoPoint(latitude: 50.639, longitude: 3.071), clickAndCollect: true, shipFromStore: true),
            UpsertLocation(locationId: Self.paris, kind: .store, name: "Omni Paris Rivoli", address: .init(street: "88 rue de Rivoli", city: "Paris", postalCode: "75004", country: "FR"),
                           openingHours: hours, coordinates: GeoPoint(latitude: 48.857, longitude: 2.352), clickAndCollect: true),
        ]
        for location in locations {
            try await perform(CatalogType.upsertLocation, location, to: .catalog, key: location.locationId, outcomes: [CatalogType.locationUpserted])
        }
        print("  4 locations: a warehouse and three stores with opening hours and click & collect")
        for product in Self.products {
            try await perform(CatalogType.upsertProduct, UpsertProduct(sku: product.sku, name: product.name, category: product.category), to: .catalog,
                              key: product.sku, outcomes: [CatalogType.productUpserted])
            try await perform(CatalogType.setPrice, SetPrice(sku: product.sku, channel: "default", currency: "EUR", amountMinor: product.priceMinor), to: .catalog,
                              key: product.sku, outcomes: [CatalogType.priceChanged])
            for (location, quantity) in [(Self.warehouse, 120), (Self.centre, 12), (Self.station, 8), (Self.paris, 10)] {
                try await perform(CatalogType.receiveStock, ReceiveStock(sku: product.sku, locationId: location, quantity: quantity, reference: "demo-seed"),
                                  to: .catalog, key: product.sku, outcomes: [CatalogType.stockMovementRecorded])
            }
        }
        print("  \(Self.products.count) products with prices, in stock at every location")
        for promotion in [
            Promotion(promotionId: "fb15", name: "FB15: 15 % off, once per customer", kind: .percentOff, percent: 15, code: "FB15", perCustomerLimit: 1),
            Promotion(promotionId: "second-pair", name: "Second pair of shoes at −50 %", kind: .nthItemPercentOff, percent: 50, nth: 2, categories: ["shoes"]),
        ] {
            try await perform(PromotionsType.upsertPromotion, promotion, to: .promotions, key: promotion.promotionId, outcomes: [PromotionsType.promotionUpserted])
        }
        print("  2 promotions: the code FB15 and \"second pair at −50 %\"")
        for (first, last, email) in [("Marc", "Lefebvre", "marc@example.com"), ("Amina", "Diallo", "amina@example.com")] {
            try await perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, email)],
                                                                               profile: ProfileFields(firstName: first, lastName: last, locale: "fr-FR")),
                              to: .customers, key: email, outcomes: [CustomersType.customerRegistered, CustomersType.profileUpdated])
        }
        print("  2 customers")
        // Orders prices from its own read model of catalog's events: give it a moment.
        try await Task.sleep(for: .seconds(2))
    }

    /// J4 and J5 in one story: an anonymous cart on the app, sign-up on the web, the cart
    /// follows her, click & collect with a code, ready on the store's tablet, picked up at the till.
    func clickAndCollect(journey: String) async throws {
        let tag = String(journey.prefix(6))
        let session = "app-session-\(tag)", email = "chloe.\(tag)@example.com", orderId = "ord-demo-\(tag)"
        func step(_ text: String) { print("\n▸ " + text) }

        step("On the app, not signed in, Chloé puts trail shoes in her cart")
        try await perform(OrdersType.addCartItem, AddCartItem(ownerId: session, sku: "TRAIL-42", quantity: 1), to: .orders, key: session, channel: "app",
                          journey: journey, outcomes: [OrdersType.cartUpdated])
        step("On the web she signs up with her email and agrees to emails")
        try await perform(CustomersType.registerCustomer, RegisterCustomer(identifiers: [CustomerIdentifier(.email, email)],
                                                                           profile: ProfileFields(firstName: "Chloé", locale: "fr-FR")),
                          to: .customers, key: email, journey: journey, outcomes: [CustomersType.customerRegistered])
        let customerId = try await customerId(email: email)
        try await perform(CustomersType.recordConsent, RecordConsent(customer: .id(customerId), medium: .email, granted: true, channel: "web", wordingVersion: "2026-10"),
                          to: .customers, key: customerId, journey: journey, outcomes: [CustomersType.consentChanged])
        step("Signed in, her app cart becomes her cart on every channel")
        try await perform(OrdersType.attachCart, AttachCart(anonymousId: session, customerId: customerId), to: .orders, key: customerId, channel: "web",
                          journey: journey, outcomes: [OrdersType.cartsMerged, OrdersType.cartUpdated])
        step("She checks out on the web: pickup at Omni Lille Centre, code FB15")
        _ = try await channel.send(OrdersType.placeOrder, PlaceOrder(orderId: orderId, channel: "web", customerId: customerId, promoCodes: ["FB15"],
                                                                     fulfilment: OrderFulfilment(mode: .pickup, storeId: Self.centre),
                                                                     contact: OrderContact(firstName: "Chloé", email: email), paymentReference: "psp-\(tag)"),
                                   to: .orders, key: orderId, channel: "web", correlation: journey)
        // The saga answers, caused by the participants' replies: wait for it in the journey.
        _ = try await channel.waitForOutcomes(correlations: [journey], types: [OrdersType.orderConfirmed, OrdersType.orderRejected], timeout: .seconds(60))
        guard channel.outcome(correlation: journey, types: [OrdersType.orderConfirmed, OrdersType.orderRejected]) == OrdersType.orderConfirmed else {
            throw CLIError("the order was rejected (see scripts/omni tail orders.events)")
        }
        try await Task.sleep(for: .seconds(1))
        step("A store associate marks it ready on the tablet; she is told, with her pickup code")
        try await perform(OrdersType.markReadyForPickup, OrderStep(orderId: orderId), to: .orders, key: orderId, channel: "tablet", journey: journey,
                          outcomes: [OrdersType.orderReadyForPickup])
        let code = try await pickupCode(orderId)
        try await Task.sleep(for: .seconds(1))
        step("At the till she shows code \(code): the reservation becomes a sale, she earns points")
        try await perform(OrdersType.confirmPickup, OrderStep(orderId: orderId, reference: code), to: .orders, key: orderId, channel: "pos", journey: journey,
                          outcomes: [OrdersType.orderPickedUp])
        try await Task.sleep(for: .seconds(2))
        print("\nher profile: http://127.0.0.1:8081/customers/\(customerId)   her order: http://127.0.0.1:8083/orders/\(orderId)")
    }

    private func customerId(email: String) async throws -> String {
        struct Found: Decodable { var customerId: String }
        return try await poll("http://127.0.0.1:8081/customers/lookup?email=\(email)", as: Found.self, "customers never answered for \(email)") { $0.customerId }
    }

    private func pickupCode(_ orderId: String) async throws -> String {
        struct Order: Decodable { var pickupCode: String? }
        return try await poll("http://127.0.0.1:8083/orders/\(orderId)", as: Order.self, "orders never showed the pickup code of \(orderId)") { $0.pickupCode }
    }

    /// Reads `url` until its answer decodes and holds the value `pick` wants (30 s at most).
    private func poll<Answer: Decodable, Value>(_ url: String, as _: Answer.Type, _ failure: String, _ pick: (Answer) -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let data = await Self.get(url), let answer = try? JSONDecoder().decode(Answer.self, from: data), let value = pick(answer) { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CLIError(failure)
    }

    static func exists(_ url: String) async -> Bool { await get(url) != nil }

    /// The body of a 200 answer, nil otherwise.
    static func get(_ url: String) async -> Data? {
        guard let url = URL(string: url), let token = try? await DevCredentials.fromEnvironment().token(subject: "staff:omni-demo") else { return nil }
        var request = URLRequest(url: url)
        request.authorize(bearer: token)
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode == 200 ? data : nil
    }
}
