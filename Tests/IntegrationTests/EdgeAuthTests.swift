import CatalogContracts
import CustomersContracts
import Foundation
import OmniAuth
import OmniChannel
import OmniMessaging
import OrdersContracts
import Testing

/// The edge on the real service processes: every route answers only a credential of the
/// run's key set that holds the route's scope (staff's, for personal data; the store's, for
/// a store's stock), revocation and key rotation reach a running service, and every read of
/// personal data lands in the access log the DPO reads.
@Suite("Edge: credentials and scopes on every route")
struct EdgeAuthTests {
    /// One route as a caller reaches it, with the scope it needs.
    struct GuardedRoute: CustomStringConvertible {
        var service: ServiceName
        var path: String
        var scope: Scope
        /// The store a store-bound route is about (its path names it).
        var store: String?
        var post: Data?
        var description: String { "\(service.rawValue) \(post == nil ? "GET" : "POST") \(path)" }
    }

    /// Every route of contracts/openapi.yaml but the operational ones (a test below keeps
    /// this list and the contract in step).
    static func routes(customer: String) -> [GuardedRoute] {
        let quote = Data(#"{"basket":{"channel":"web","currency":"EUR","lines":[{"lineId":"l1","sku":"SKU-1","category":"shoes","quantity":1,"unitPriceMinor":1000}],"shippingMinor":0},"codes":[]}"#.utf8)
        return [
            GuardedRoute(service: .catalog, path: "/products", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/products/SKU-1", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/prices/SKU-1?channel=web", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/locations", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/locations/store-42", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/availability/SKU-1?channel=web", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/availability/SKU-1/locations/store-42", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/availability/SKU-1/nearby?store=store-42", scope: .catalogRead),
            GuardedRoute(service: .catalog, path: "/stock/SKU-1/locations/store-42", scope: .stockRead, store: "store-42"),
            GuardedRoute(service: .catalog, path: "/reservations/\(UUID().uuidString.lowercased())", scope: .stockRead),
            GuardedRoute(service: .customers, path: "/customers/lookup?email=edge%40example.com", scope: .customersRead),
            GuardedRoute(service: .customers, path: "/customers/search?name=Edge", scope: .customersRead),
            GuardedRoute(service: .customers, path: "/customers/\(customer)", scope: .customersRead),
            GuardedRoute(service: .customers, path: "/customers/\(customer)/timeline", scope: .customersRead),
            GuardedRoute(service: .customers, path: "/customers/\(customer)/consents", scope: .customersRead),
            GuardedRoute(service: .customers, path: "/customers/\(customer)/journey", scope: .customersRead),
            GuardedRoute(service: .customers, path: "/customers/\(customer)/export", scope: .customersExport),
            GuardedRoute(service: .orders, path: "/customers/\(customer)/export", scope: .customersExport),
            GuardedRoute(service: .notifications, path: "/customers/\(customer)/export", scope: .customersExport),
            GuardedRoute(service: .promotions, path: "/customers/\(customer)/export", scope: .customersExport),
            GuardedRoute(service: .customers, path: "/analytics/journeys", scope: .analyticsRead),
            GuardedRoute(service: .customers, path: "/leads", scope: .leadsRead),
            GuardedRoute(service: .customers, path: "/leads/\(UUID().uuidString.lowercased())", scope: .leadsRead),
            GuardedRoute(service: .customers, path: "/lead-queues/telesales/\(UUID().uuidString.lowercased())", scope: .leadsRead),
            GuardedRoute(service: .customers, path: "/lead-rules", scope: .leadsRead),
            GuardedRoute(service: .customers, path: "/pii-access?customer=\(customer)", scope: .piiAudit),
            GuardedRoute(service: .orders, path: "/orders/\(UUID().uuidString.lowercased())", scope: .ordersRead),
            GuardedRoute(service: .orders, path: "/quotes/\(UUID().uuidString.lowercased())", scope: .ordersRead),
            GuardedRoute(service: .orders, path: "/customers/\(customer)/orders", scope: .ordersRead),
            GuardedRoute(service: .orders, path: "/customers/\(customer)/quotes", scope: .ordersRead),
            GuardedRoute(service: .orders, path: "/stores/store-42/pickups", scope: .ordersRead, store: "store-42"),
            GuardedRoute(service: .orders, path: "/carts/\(customer)?channel=web", scope: .ordersRead),
            GuardedRoute(service: .promotions, path: "/quotes", scope: .promotionsRead, post: quote),
            GuardedRoute(service: .promotions, path: "/promotions", scope: .promotionsRead),
            GuardedRoute(service: .promotions, path: "/promotions/\(UUID().uuidString.lowercased())", scope: .promotionsRead),
            GuardedRoute(service: .promotions, path: "/promotions/\(UUID().uuidString.lowercased())/codes", scope: .promotionsRead),
            GuardedRoute(service: .notifications, path: "/customers/\(customer)/messages", scope: .notificationsRead),
            GuardedRoute(service: .notifications, path: "/customers/\(customer)/contact", scope: .notificationsRead),
        ]
    }

    struct Answer {
        var status: Int
        var contentType: String
        var body: String
        var problem: [String: String] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
        }
    }

    static func call(_ stack: ServiceStack, _ route: GuardedRoute, as caller: ServiceProcess.Caller) async throws -> Answer {
        let process = stack.http(route.service)
        if let body = route.post {
            let (status, type, text) = try await process.post(route.path, json: body, as: caller)
            return Answer(status: status, contentType: type, body: text)
        }
        let (status, type, text) = try await process.getWithType(route.path, as: caller)
        return Answer(status: status, contentType: type, body: text)
    }

    @Test("Every route: no credential 401, without its scope 403, another store's 403, a client on personal data 403, the right one answers")
    func everyRouteChecksItsScope() async throws {
        let stack = try await ServiceStack([.customers, .catalog, .orders, .promotions, .notifications])
        defer { Task { await stack.stop() } }
        let keys = try TestStack.credentials()
        let customer = try await stack.registerCustomer([CustomerIdentifier(.email, "edge@example.com")], profile: ProfileFields(firstName: "Edge"))

        for route in Self.routes(customer: customer) {
            let anonymous = try await Self.call(stack, route, as: .anonymous)
            #expect(anonymous.status == 401, "\(route) without a credential: \(anonymous.status) \(anonymous.body)")
            #expect(anonymous.contentType.hasPrefix("application/problem+json"), "\(route)")

            // Staff, every store, every scope but the one the route needs.
            let lacking = try await keys.token(subject: "staff:lacking", scopes: Scope.allCases.filter { $0 != route.scope })
            let forbidden = try await Self.call(stack, route, as: .bearer(lacking))
            #expect(forbidden.status == 403, "\(route) without \(route.scope.rawValue): \(forbidden.status) \(forbidden.body)")
            #expect(forbidden.problem["requiredScope"] == route.scope.rawValue, "\(route): \(forbidden.body)")

            if let store = route.store {
                let otherStore = try await keys.token(subject: "staff:elsewhere", stores: ["store-7"], scopes: [route.scope])
                let refused = try await Self.call(stack, route, as: .bearer(otherStore))
                #expect(refused.status == 403, "\(route) for store-7 only: \(refused.status) \(refused.body)")
                #expect(refused.body.contains(store), "\(route): \(refused.body)")
            }
            if route.scope.isPersonalData {
                let client = try await keys.token(subject: "client:web-shop", kind: .client, role: "web-shop", channel: "web", scopes: [route.scope])
                let refused = try await Self.call(stack, route, as: .bearer(client))
                #expect(refused.status == 403, "\(route) by a channel client: \(refused.status) \(refused.body)")
            }

            let right = try await keys.token(subject: "staff:right", stores: route.store.map { [$0] } ?? ["*"], scopes: [route.scope])
            let allowed = try await Self.call(stack, route, as: .bearer(right))
            // Unknown ids answer 404: past the edge, which is what this checks.
            #expect((200..<300).contains(allowed.status) || allowed.status == 404, "\(route) with \(route.scope.rawValue): \(allowed.status) \(allowed.body)")
        }
        // A role as `omni-cli auth staff` issues it reads the customer it serves.
        let associate = try await keys.token(as: .storeAssociate, name: "alice", stores: ["store-42"])
        for path in ["/customers/\(customer)", "/customers/\(customer)/timeline", "/customers/\(customer)/consents"] {
            let (status, body) = try await stack.http(.customers).get(path, as: .bearer(associate))
            #expect(status == 200, "\(path) as a store associate: \(status) \(body)")
        }
        // Operational routes stay open, for probes and Prometheus.
        for service in ServiceName.allCases {
            for path in ["/health/live", "/health/ready", "/metrics"] {
                let (status, _) = try await stack.http(service).get(path, as: .anonymous)
                #expect(status == 200, "\(service.rawValue) \(path) without a credential")
            }
        }
    }

    @Test("The route list above is every guarded route of contracts/openapi.yaml")
    func routeListMatchesTheContract() throws {
        let contract = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contracts/openapi.yaml"), encoding: .utf8)
        let documented = Set(contract.split(separator: "\n").filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }
            .map { String($0.dropFirst(2).dropLast()) }.filter { !$0.hasPrefix("/health") && $0 != "/metrics" })
            // The edge's command door checks a scope per command type (CommandDoorTests); its
            // console, a session cookie (ConsoleTests); its export, the DPO's (J10b, HerData).
            .subtracting(["/commands/{type}", "/outcomes/{id}", "/exports/customers/{id}"]).filter { !$0.hasPrefix("/console") }
        let id = "CUSTOMER"
        let tested = Set(Self.routes(customer: id).map { route in
            let path = route.path.split(separator: "?")[0]
            return path.split(separator: "/").map { segment -> String in
                if segment == id || UUID(uuidString: String(segment)) != nil || segment == "SKU-1" || segment == "store-42" {
                    return "{id}"
                }
                return String(segment)
            }.reduce("") { $0 + "/" + $1 }
        })
        let normalised = Set(documented.map { $0.replacingOccurrences(of: "{sku}", with: "{id}").replacingOccurrences(of: "{owner}", with: "{id}")
            .replacingOccurrences(of: "{kind}", with: "telesales") })
        #expect(tested == normalised, "untested: \(normalised.subtracting(tested).sorted()); not in the contract: \(tested.subtracting(normalised).sorted())")
    }

    @Test("Expired, revoked and retired-key credentials stop working on a running service; a rotation keeps the old key verifying")
    func revocationAndRotation() async throws {
        // This service verifies with a key set of its own, so rotating it disturbs no other test.
        let keys = try DevCredentials(directory: FileManager.default.temporaryDirectory.appendingPathComponent("omni-edge-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: keys.directory) }
        let stack = try await ServiceStack(.catalog, environment: keys.serviceEnvironment)
        defer { Task { await stack.stop() } }
        let catalog = stack.http(.catalog)

        let before = try await keys.token(as: .webShop, name: "web-shop")
        #expect(try await catalog.get("/products", as: .bearer(before)).0 == 200)
        let expired = try await keys.token(issuedAt: Date().addingTimeInterval(-7_200), validFor: 3_600)
        let (expiredStatus, expiredBody) = try await catalog.get("/products", as: .bearer(expired))
        #expect(expiredStatus == 401)
        #expect(expiredBody.contains("expired"))
        let foreign = try await TestStack.credentials().token()
        #expect(try await catalog.get("/products", as: .bearer(foreign)).0 == 401, "a credential of another key set")

        // Revoke one credential by id: the next request (within the reload interval) is refused.
        let lost = try await keys.token(as: .pos, name: "till-1", stores: ["store-42"])
        let lostID = try await TokenVerifier(configuration: .init(keysFile: keys.keysFile, revokedFile: nil)).credential(authorization: "Bearer \(lost)").id
        #expect(try await catalog.get("/products", as: .bearer(lost)).0 == 200)
        try Revocations(entries: [.init(credential: lostID, reason: "till stolen")]).write(to: keys.revokedFile)
        try await Self.eventually { try await catalog.get("/products", as: .bearer(lost)).0 == 401 }
        #expect(try await catalog.get("/products", as: .bearer(before)).0 == 200, "only the revoked credential stops")

        // Rotate: credentials of the old key still verify; retire it: they stop, the new key's go on.
        var set = try KeySet.read(from: keys.signingKeysFile)
        let oldKid = try #require(set.signingKey?.kid)
        try set.rotate()
        try set.publicKeys.write(to: keys.keysFile)
        let rotated = try await TokenIssuer(signingKeys: set).token(for: Credential(subject: "client:web-shop", kind: .client, role: "web-shop",
                                                                                  channel: "web", stores: ["*"], scopes: [.catalogRead], validFor: 600))
        try await Self.eventually { try await catalog.get("/products", as: .bearer(rotated)).0 == 200 }
        #expect(try await catalog.get("/products", as: .bearer(before)).0 == 200, "the old key verifies until retired")
        try set.retire(kid: oldKid)
        try set.publicKeys.write(to: keys.keysFile)
        try await Self.eventually { try await catalog.get("/products", as: .bearer(before)).0 == 401 }
        #expect(try await catalog.get("/products", as: .bearer(rotated)).0 == 200)
    }

    @Test("Each read of personal data is logged with who and which customer; the DPO reads the log, nobody else does")
    func personalDataAccessLog() async throws {
        let stack = try await ServiceStack(.customers)
        defer { Task { await stack.stop() } }
        let keys = try TestStack.credentials()
        let tag = UUID().uuidString.prefix(8).lowercased()
        let customer = try await stack.registerCustomer([CustomerIdentifier(.phone, "+3361234\(Int.random(in: 1000...9999))")],
                                                        profile: ProfileFields(firstName: "Zoé"))
        let customers = stack.http(.customers)
        let alice = try await keys.token(as: .storeAssociate, name: "alice-\(tag)", stores: ["store-42"])
        #expect(try await customers.get("/customers/\(customer)", as: .bearer(alice)).0 == 200)
        #expect(try await customers.get("/customers/\(customer)/timeline", as: .bearer(alice)).0 == 200)
        let dpo = try await keys.token(as: .dpo, name: "dpo-\(tag)")
        #expect(try await customers.get("/customers/\(customer)/export", as: .bearer(dpo)).0 == 200)
        // An associate may read a profile, not export it.
        let (exportStatus, exportBody) = try await customers.get("/customers/\(customer)/export", as: .bearer(alice))
        #expect(exportStatus == 403)
        #expect(exportBody.contains("customers:export"))

        struct Page: Decodable {
            struct Entry: Decodable { var subject: String; var customerId: String; var action: String; var route: String; var at: Date }
            var service: String
            var entries: [Entry]
        }
        let (status, body) = try await customers.get("/pii-access?customer=\(customer)", as: .bearer(dpo))
        #expect(status == 200, "\(body)")
        let page = try JSONCoding.decoder.decode(Page.self, from: Data(body.utf8))
        #expect(page.service == "customers")
        #expect(page.entries.map(\.action) == ["export", "timeline", "view"], "newest first: \(body)")
        #expect(page.entries.filter { $0.subject == "staff:alice-\(tag)" }.map(\.route) == ["/customers/{id}/timeline", "/customers/{id}"])
        #expect(!body.contains("+336"), "the log holds no personal data itself")
        let bySubject = try await customers.get("/pii-access?subject=staff:alice-\(tag)", as: .bearer(dpo))
        #expect(try JSONCoding.decoder.decode(Page.self, from: Data(bySubject.1.utf8)).entries.count == 2)
        let (associateStatus, associateBody) = try await customers.get("/pii-access?customer=\(customer)", as: .bearer(alice))
        #expect(associateStatus == 403)
        #expect(associateBody.contains("pii:audit"))
    }

    @Test("Reading an order's contact and a lead is logged too, in the service that holds them")
    func orderContactAndLeadReadsAreLogged() async throws {
        let stack = try await OrdersFixtures.stack([.orders, .catalog, .promotions, .customers])
        defer { Task { await stack.stop() } }
        let fixtures = OrdersFixtures()
        try await fixtures.load(into: stack, stock: [fixtures.store: 3])
        let keys = try TestStack.credentials()
        let tag = UUID().uuidString.prefix(8).lowercased()
        let agent = try await keys.token(as: .telesalesAgent, name: "agent-\(tag)")
        let dpo = try await keys.token(as: .dpo, name: "dpo-\(tag)")
        struct Page: Decodable { struct Entry: Decodable { var subject: String; var customerId: String; var action: String }; var entries: [Entry] }

        let order = fixtures.pickupOrder("ord-pii-\(tag)", customerId: "cust-pii-\(tag)")
        #expect(try await OrdersFixtures.place(order, on: stack).type == OrdersType.orderConfirmed)
        #expect(try await stack.http(.orders).get("/orders/\(order.orderId)", as: .bearer(agent)).0 == 200)
        #expect(try await stack.http(.orders).get("/customers/cust-pii-\(tag)/orders", as: .bearer(agent)).0 == 200)
        let orders = try JSONCoding.decoder.decode(Page.self, from: Data(try await stack.http(.orders).get("/pii-access?subject=staff:agent-\(tag)", as: .bearer(dpo)).1.utf8))
        #expect(orders.entries.map(\.action) == ["order-contacts", "order-contact"])
        #expect(orders.entries.allSatisfy { $0.customerId == "cust-pii-\(tag)" })

        let routed = try await stack.perform(CustomersType.submitLead, SubmitLead(
            leadId: "lead-pii-\(tag)", identifiers: [CustomerIdentifier(.email, "lead.\(tag)@acme.example")], contactName: "Paula Martin", company: "Acme",
            need: "shelving", sourceChannel: "web"), key: "lead-pii-\(tag)", channel: "web", expecting: [CustomersType.leadRouted])
        let customer = try routed.payload(LeadRouted.self).customerId
        #expect(try await stack.http(.customers).get("/leads/lead-pii-\(tag)", as: .bearer(agent)).0 == 200)
        let leads = try JSONCoding.decoder.decode(Page.self, from: Data(try await stack.http(.customers).get("/pii-access?subject=staff:agent-\(tag)", as: .bearer(dpo)).1.utf8))
        #expect(leads.entries.map(\.action) == ["lead"] && leads.entries.first?.customerId == customer)
    }

    @Test("A till acts only for its own store and as its own channel: another store's stock or another channel is rejected with the reason")
    func commandsActOnlyForTheirSource() async throws {
        let stack = try await ServiceStack(.catalog)
        defer { Task { await stack.stop() } }
        let network = CatalogFixtures()
        try await network.load(into: stack, stock: [:])
        let till = "/channels/pos/\(network.store)"

        func outcome(_ receive: ReceiveStock, source: String, channel: String = "pos") async throws -> CloudEvent {
            let command = try await stack.send(CatalogType.receiveStock, receive, key: receive.sku, channel: channel, source: source)
            return try await stack.watcher.outcome(of: command.id, types: [CatalogType.stockMovementRecorded, CatalogType.commandRejected], timeout: .seconds(30))
        }
        let own = try await outcome(ReceiveStock(sku: network.sku, locationId: network.store, quantity: 3, reference: "till"), source: till)
        #expect(own.type == CatalogType.stockMovementRecorded)

        let other = try await outcome(ReceiveStock(sku: network.sku, locationId: network.farStore, quantity: 3, reference: "till"), source: till)
        #expect(other.type == CatalogType.commandRejected)
        let rejected = try other.payload(CommandRejected.self)
        #expect(rejected.reasonCode == "source-store-mismatch")
        #expect(rejected.message.contains(network.farStore))

        let disguised = try await outcome(ReceiveStock(sku: network.sku, locationId: network.store, quantity: 3, reference: "till"), source: till, channel: "web")
        #expect(try disguised.payload(CommandRejected.self).reasonCode == "source-channel-mismatch")

        // Nothing of the refused commands reached the stock: 3 units, from the till's own delivery.
        struct Stock: Decodable { var onHand: Int }
        let stock = try await stack.getJSON("/stock/\(network.sku)/locations/\(network.store)", as: Stock.self)
        #expect(stock.onHand == 3)
        let (farStatus, farBody) = try await stack.http(.catalog).get("/stock/\(network.sku)/locations/\(network.farStore)")
        #expect(farStatus == 404 || (try? JSONCoding.decoder.decode(Stock.self, from: Data(farBody.utf8)))?.onHand == 0, "\(farStatus) \(farBody)")
    }

    /// Polls `condition` for up to 10 seconds (the services re-read key files every second).
    static func eventually(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try await condition(), "did not hold within 10 s")
    }
}
