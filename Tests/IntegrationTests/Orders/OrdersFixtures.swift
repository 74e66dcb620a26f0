import CatalogContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PostgresNIO
import PromotionsContracts

/// Orders' stack: orders, catalog and promotions on one broker, the catalog network of
/// `CatalogFixtures` with prices, and a way to wait until orders' read model caught up.
struct OrdersFixtures {
    let catalog = CatalogFixtures()
    var sku: String { catalog.sku }
    var store: String { catalog.store }
    /// A store that does not do click & collect.
    let noPickupStore = "st-outlet"
    let price: Int64 = 8_000

    static func stack(_ services: [ServiceName] = [.orders, .catalog, .promotions], environment: [String: String] = [:]) async throws -> ServiceStack {
        try await ServiceStack(services, environment: environment)
    }

    /// Locations, the product with a web price and a store price, stock; waits until orders knows them.
    func load(into stack: ServiceStack, stock: [String: Int]) async throws {
        try await catalog.load(into: stack, stock: stock)
        let outlet = UpsertLocation(locationId: noPickupStore, kind: .store, name: "Outlet", address: CatalogFixtures.address("Roubaix"),
                                    coordinates: GeoPoint(latitude: 50.69, longitude: 3.17), clickAndCollect: false)
        _ = try await stack.perform(CatalogType.upsertLocation, outlet, key: noPickupStore)
        _ = try await stack.perform(CatalogType.setPrice, SetPrice(sku: sku, channel: "default", storeId: nil, currency: "EUR", amountMinor: price), key: sku)
        try await waitForReadModel(stack, rows: ["products": 1, "prices": 1, "locations": catalog.locations.count + 1])
    }

    /// Orders consumes catalog's events on its own: wait until its read model holds them.
    func waitForReadModel(_ stack: ServiceStack, rows: [String: Int], timeout: Duration = .seconds(30)) async throws {
        guard let schema = stack.schemas[.orders] else { throw ServiceProcess.ProcessFailure(description: "no orders in this stack") }
        let deadline = ContinuousClock.now + timeout
        while true {
            var missing: [String] = []
            try await TestStack.withAdmin { admin in
                for (table, count) in rows {
                    let found = try await admin.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(schema).\(table)")).decode(Int.self).first { _ in true } ?? 0
                    if found < count { missing.append("\(table): \(found)/\(count)") }
                }
            }
            if missing.isEmpty { return }
            guard ContinuousClock.now < deadline else { throw ServiceProcess.ProcessFailure(description: "orders' read model: \(missing)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func pickupOrder(_ orderId: String, quantity: Int = 1, customerId: String? = "cust-\(UUID().uuidString.prefix(6))", codes: [String]? = nil,
                     at storeId: String? = nil, channel: String = "web") -> PlaceOrder {
        // An order placed at a till names its store.
        PlaceOrder(orderId: orderId, channel: channel, storeId: channel == "pos" ? (storeId ?? store) : nil, customerId: customerId,
                   lines: [OrderLineRequest(sku: sku, quantity: quantity)], promoCodes: codes,
                   fulfilment: OrderFulfilment(mode: .pickup, storeId: storeId ?? store), contact: OrderContact(firstName: "Ada", email: "ada@example.com"),
                   paymentReference: "psp-\(orderId)")
    }

    func deliveryOrder(_ orderId: String, quantity: Int = 1, customerId: String?, codes: [String]? = nil, channel: String = "web", storeId: String? = nil) -> PlaceOrder {
        PlaceOrder(orderId: orderId, channel: channel, storeId: storeId, customerId: customerId, lines: [OrderLineRequest(sku: sku, quantity: quantity)],
                   promoCodes: codes, fulfilment: OrderFulfilment(mode: .delivery, address: DeliveryAddress(name: "Ada L", street: "2 rue B", postalCode: "59000",
                                                                                                            city: "Lille", country: "FR", latitude: 50.63, longitude: 3.06)),
                   contact: OrderContact(firstName: "Ada", email: "ada@example.com"), paymentReference: "psp-\(orderId)")
    }

    static let outcomes: Set<String> = [OrdersType.orderConfirmed, OrdersType.orderRejected]

    /// Places `order` and waits for its outcome (confirmed or rejected).
    static func place(_ order: PlaceOrder, on stack: ServiceStack, channel: String = "web") async throws -> CloudEvent {
        let command = try await stack.send(OrdersType.placeOrder, order, key: order.orderId, channel: channel)
        return try await stack.watcher.first(OrdersType.orderConfirmed, timeout: .seconds(45)) { event in
            (try? event.decode(OrderEvent.self).order.orderId) == order.orderId && event.correlationID == command.correlationID
        } orReject: { event in
            (try? event.decode(OrderRejected.self).orderId) == order.orderId && event.correlationID == command.correlationID
        }
    }
}

extension EventWatcher {
    /// The first `type` event matching `accept`, or the first OrderRejected matching `reject`.
    func first(_ type: String, timeout: Duration, where accept: @escaping (CloudEvent) -> Bool, orReject reject: @escaping (CloudEvent) -> Bool) async throws -> CloudEvent {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let event = events.first(where: { ($0.type == type && accept($0)) || ($0.type == OrdersType.orderRejected && reject($0)) }) { return event }
            guard ContinuousClock.now < deadline else { throw Timeout(description: "no outcome within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
