import CatalogContracts
import CustomersContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OrdersContracts
import PromotionsContracts

/// What the fuzzer knows exists in the stack (it creates these first): a product with a
/// price and stock at a warehouse, a click & collect store, a customer, a promotion with a
/// code. Valid examples name them half the time, so mutations that stay valid reach the
/// handlers' deeper rules instead of stopping at "unknown sku".
struct Fixture: Sendable {
    let tag: String
    var sku: String { "fz-\(tag)-sku" }
    var warehouse: String { "fz-\(tag)-wh" }
    var store: String { "fz-\(tag)-store" }
    var email: String { "fz-\(tag)@example.com" }
    var promotion: String { "fz-\(tag)-promo" }
    var code: String { "FZ\(tag.uppercased())" }
    var segment: String { "fz-\(tag)-segment" }
    /// A cart that holds the fixture's sku before the fuzz (extreme quantities land on a line that exists).
    var cartOwner: String { "fz-\(tag)-cart" }
}

/// One command type of one topic, with a valid-looking example the fuzzer mutates.
struct CommandSpec: Sendable {
    /// The topic the command is published to.
    let topic: String
    let type: String
    /// The service that handles it (its events and rejections are on `<service>.events`).
    let service: ServiceName
    /// A valid example: payload, record key and `ce_subject`. `known` says whether it
    /// names the fixture's entities or fresh, unknown ids.
    let example: @Sendable (_ ids: inout IDSource, _ known: Bool, _ fixture: Fixture) throws -> Example

    struct Example {
        var payload: JSONValue
        var key: String
    }
}

/// Fresh ids for one fuzz run: the run tag makes them unique across runs on one stack.
struct IDSource {
    let tag: String
    var counter = 0
    mutating func next(_ prefix: String) -> String {
        counter += 1
        return "fz-\(tag)-\(prefix)-\(counter)"
    }
}

enum CommandCatalog {
    /// Every command type of every `*.commands` topic, and `channels.interactions`.
    static let all: [CommandSpec] = catalog + customers + orders + promotions + notifications

    private static func spec(_ type: String, _ service: ServiceName, topic: String? = nil,
                             _ example: @escaping @Sendable (inout IDSource, Bool, Fixture) throws -> (any Encodable, String)) -> CommandSpec {
        CommandSpec(topic: topic ?? Topics.commands(service), type: type, service: service) { ids, known, fixture in
            let (payload, key) = try example(&ids, known, fixture)
            return CommandSpec.Example(payload: try JSONValue(encoding: payload), key: key)
        }
    }

    static let catalog: [CommandSpec] = [
        spec(CatalogType.upsertProduct, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (UpsertProduct(sku: sku, name: "Fuzz shoe", description: "a shoe", category: "shoes", attributes: ["size": "42"], active: true), sku)
        },
        spec(CatalogType.setPrice, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (SetPrice(sku: sku, channel: "web", storeId: nil, currency: "EUR", amountMinor: 4_999), sku)
        },
        spec(CatalogType.upsertLocation, .catalog) { ids, _, _ in
            let id = ids.next("loc")
            return (UpsertLocation(locationId: id, kind: .store, name: "Fuzz store", address: .init(street: "1 rue", city: "Lille", postalCode: "59000", country: "FR"),
                                   openingHours: [.init(day: "mon", opens: "09:00", closes: "19:00")], coordinates: .init(latitude: 50.63, longitude: 3.06),
                                   clickAndCollect: true, shipFromStore: false, active: true), id)
        },
        spec(CatalogType.receiveStock, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (ReceiveStock(sku: sku, locationId: known ? f.warehouse : ids.next("loc"), quantity: 3, reference: ids.next("ref")), sku)
        },
        spec(CatalogType.adjustStock, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (AdjustStock(sku: sku, locationId: known ? f.warehouse : ids.next("loc"), delta: -1, reason: "damaged"), sku)
        },
        spec(CatalogType.transferStock, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (TransferStock(sku: sku, fromLocationId: known ? f.warehouse : ids.next("loc"), toLocationId: known ? f.store : ids.next("loc"),
                                  quantity: 1, reference: ids.next("ref")), sku)
        },
        spec(CatalogType.receiveTransfer, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (ReceiveTransfer(reference: ids.next("ref"), sku: sku, locationId: known ? f.store : ids.next("loc")), sku)
        },
        spec(CatalogType.recordPosSale, .catalog) { ids, known, f in
            let sale = ids.next("sale")
            return (RecordPosSale(saleId: sale, storeId: known ? f.store : ids.next("loc"), lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 1)]), sale)
        },
        spec(CatalogType.restockReturn, .catalog) { ids, known, f in
            let id = ids.next("return")
            return (RestockReturn(returnId: id, orderId: ids.next("order"), locationId: known ? f.store : ids.next("loc"),
                                  lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 1)]), id)
        },
        spec(CatalogType.setSafetyStock, .catalog) { ids, known, f in
            let sku = known ? f.sku : ids.next("sku")
            return (SetSafetyStock(sku: sku, locationId: known ? f.warehouse : ids.next("loc"), quantity: 1), sku)
        },
        spec(CatalogType.reserveStock, .catalog) { ids, known, f in
            let order = ids.next("order")
            return (ReserveStock(reservationId: ids.next("res"), orderId: order, channel: "web", lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 1)],
                                 fulfilment: known ? .pickup(at: f.store) : .delivery(to: .init(latitude: 50.6, longitude: 3.0)), holdSeconds: 60), order)
        },
        spec(CatalogType.releaseReservation, .catalog) { ids, _, _ in
            let id = ids.next("res")
            return (ReleaseReservation(reservationId: id, reason: "cancelled"), id)
        },
        spec(CatalogType.commitReservation, .catalog) { ids, _, _ in
            let id = ids.next("res")
            return (CommitReservation(reservationId: id), id)
        },
    ]

    private static func reference(_ ids: inout IDSource, _ known: Bool, _ f: Fixture) -> CustomerReference {
        known ? .identifier(.init(.email, f.email)) : .id(UUID().uuidString.lowercased())
    }

    static let customers: [CommandSpec] = [
        spec(CustomersType.registerCustomer, .customers) { ids, known, f in
            let email = known ? f.email : "\(ids.next("c"))@example.com"
            return (RegisterCustomer(identifiers: [.init(.email, email)], profile: .init(firstName: "Ana", lastName: "Fuzz", locale: "fr-FR", timeZone: "Europe/Paris")), email)
        },
        spec(CustomersType.updateProfile, .customers) { ids, known, f in
            (UpdateProfile(customer: reference(&ids, known, f), profile: .init(firstName: "Anna", addresses: [.init(street: "1 rue", city: "Lille", postalCode: "59000", country: "FR")])), f.email)
        },
        spec(CustomersType.linkIdentifier, .customers) { ids, known, f in
            (LinkIdentifier(customer: reference(&ids, known, f), identifier: .init(.loyaltyCard, ids.next("card"))), f.email)
        },
        spec(CustomersType.recordConsent, .customers) { ids, known, f in
            (RecordConsent(customer: reference(&ids, known, f), medium: .email, granted: true, channel: "web", wordingVersion: "v1"), f.email)
        },
        spec(CustomersType.setContactPreferences, .customers) { ids, known, f in
            (SetContactPreferences(customer: reference(&ids, known, f), preferredMedium: .sms, quietHours: .init(start: "22:00", end: "07:00")), f.email)
        },
        spec(CustomersType.adjustLoyalty, .customers) { ids, known, f in
            (AdjustLoyalty(customer: reference(&ids, known, f), points: 10, reason: "goodwill", reference: ids.next("ref")), f.email)
        },
        spec(CustomersType.redeemLoyalty, .customers) { ids, known, f in
            (RedeemLoyalty(customer: reference(&ids, known, f), points: 1, reference: ids.next("ref")), f.email)
        },
        spec(CustomersType.eraseCustomer, .customers) { ids, _, _ in
            // Never the fixture: erasing it would turn the rest of the run into "erased" rejections.
            let id = UUID().uuidString.lowercased()
            return (EraseCustomer(customer: .id(id), reason: "request"), id)
        },
        spec(CustomersType.submitLead, .customers) { ids, _, _ in
            let lead = ids.next("lead")
            return (SubmitLead(leadId: lead, identifiers: [.init(.email, "\(lead)@example.com")], contactName: "Léa", company: "ACME", need: "uniforms",
                               postalCode: "59000", country: "FR", budgetMinor: 100_000, currency: "EUR", sourceChannel: "social", campaign: "spring"), lead)
        },
        spec(CustomersType.setLeadRules, .customers) { _, _, _ in
            (SetLeadRules(scoring: [.init(ruleId: "s1", conditions: [.init(field: "country", op: "in", values: ["FR"])], points: 10)],
                          routing: [.init(ruleId: "r1", priority: 1, conditions: [.init(field: "postalCode", op: "prefix", values: ["59"])],
                                          assignee: .init(kind: .fieldRep, id: "rep-1"))],
                          fallback: .init(kind: .telesales, id: "team")), "lead-rules")
        },
        spec(CustomersType.recordLeadVisit, .customers) { ids, _, _ in
            let lead = ids.next("lead")
            return (RecordLeadVisit(leadId: lead, visitedBy: "rep-1", notes: "met"), lead)
        },
        spec(OrdersType.holdStock, .orders) { ids, known, f in
            let hold = ids.next("hold")
            return (HoldStock(holdId: hold, storeId: known ? f.store : ids.next("loc"), lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 1)],
                              holdSeconds: 600), hold)
        },
        spec(CustomersType.holdLoyalty, .customers) { ids, _, _ in
            let o = ids.next("order")
            return (HoldLoyalty(orderId: o, customerId: ids.next("customer"), points: 100, currency: "EUR", maxValueMinor: 10_000), o)
        },
        spec(CustomersType.advanceLead, .customers) { ids, _, _ in
            let lead = ids.next("lead")
            return (AdvanceLead(leadId: lead, status: .disqualified, by: "rep-1", reason: "no budget"), lead)
        },
        spec(CustomersType.reassignLead, .customers) { ids, _, _ in
            let lead = ids.next("lead")
            return (ReassignLead(leadId: lead, assignee: .init(kind: .telesales, id: "team"), by: "manager-1"), lead)
        },
        spec(CustomersType.defineSegment, .customers) { ids, known, f in
            let id = known ? f.segment : ids.next("segment")
            return (DefineSegment(segmentId: id, name: "Big spenders", conditions: [.init(kind: .spentAtLeast, amountMinor: 10_000, currency: "EUR", withinDays: 90)]), id)
        },
        spec(CustomersType.interactionRecorded, .customers, topic: Topics.channelInteractions) { ids, known, f in
            let who: CustomerIdentifier = known ? .init(.email, f.email) : .init(.anonymous, ids.next("anon"))
            return (InteractionRecorded(identifier: who, kind: "page-view", channel: "web", details: ["page": "/shoes"]), who.value)
        },
    ]

    private static func delivery() -> OrderFulfilment {
        .init(mode: .delivery, address: .init(name: "Ana", street: "1 rue", postalCode: "59000", city: "Lille", country: "FR", latitude: 50.6, longitude: 3.0))
    }

    static let orders: [CommandSpec] = [
        spec(OrdersType.addCartItem, .orders) { ids, known, f in
            let owner = known ? f.cartOwner : ids.next("anon")
            return (AddCartItem(ownerId: owner, sku: known ? f.sku : ids.next("sku"), quantity: 1), owner)
        },
        spec(OrdersType.setCartItemQuantity, .orders) { ids, known, f in
            let owner = known ? f.cartOwner : ids.next("anon")
            return (SetCartItemQuantity(ownerId: owner, sku: known ? f.sku : ids.next("sku"), quantity: 2), owner)
        },
        spec(OrdersType.removeCartItem, .orders) { ids, known, f in
            let owner = ids.next("anon")
            return (RemoveCartItem(ownerId: owner, sku: known ? f.sku : ids.next("sku")), owner)
        },
        spec(OrdersType.attachCart, .orders) { ids, _, _ in
            let customer = UUID().uuidString.lowercased()
            return (AttachCart(anonymousId: ids.next("anon"), customerId: customer), customer)
        },
        spec(OrdersType.placeOrder, .orders) { ids, known, f in
            let order = ids.next("order")
            return (PlaceOrder(orderId: order, channel: "web", lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 1)], promoCodes: known ? [f.code] : nil,
                               fulfilment: known ? .init(mode: .pickup, storeId: f.store) : delivery(), contact: .init(firstName: "Ana", email: f.email),
                               paymentReference: ids.next("pay")), order)
        },
        spec(OrdersType.markReadyForPickup, .orders) { ids, _, _ in let o = ids.next("order"); return (OrderStep(orderId: o), o) },
        spec(OrdersType.confirmPickup, .orders) { ids, _, _ in let o = ids.next("order"); return (OrderStep(orderId: o, reference: "123456"), o) },
        spec(OrdersType.shipOrder, .orders) { ids, _, _ in let o = ids.next("order"); return (OrderStep(orderId: o, reference: "track-1"), o) },
        spec(OrdersType.confirmDelivery, .orders) { ids, _, _ in let o = ids.next("order"); return (OrderStep(orderId: o), o) },
        spec(OrdersType.cancelOrder, .orders) { ids, _, _ in let o = ids.next("order"); return (CancelOrder(orderId: o, reason: "changed-mind"), o) },
        spec(OrdersType.returnItems, .orders) { ids, known, f in
            let o = ids.next("order")
            return (ReturnItems(returnId: ids.next("return"), orderId: o, locationId: known ? f.store : ids.next("loc"),
                                lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 1)], reason: "too-small"), o)
        },
        spec(OrdersType.createQuote, .orders) { ids, known, f in
            let q = ids.next("quote")
            return (CreateQuote(quoteId: q, channel: "field", customerId: nil, leadId: ids.next("lead"), lines: [.init(sku: known ? f.sku : ids.next("sku"), quantity: 10)],
                                validUntil: Date().addingTimeInterval(86_400 * 30), contact: .init(firstName: "Léa", email: "lea@example.com"), note: "B2B"), q)
        },
        spec(OrdersType.convertQuote, .orders) { ids, _, _ in
            let o = ids.next("order")
            return (ConvertQuote(quoteId: ids.next("quote"), orderId: o, channel: "field", fulfilment: delivery(), paymentReference: ids.next("pay")), o)
        },
    ]

    static let promotions: [CommandSpec] = [
        spec(PromotionsType.upsertPromotion, .promotions) { ids, _, _ in
            let id = ids.next("promo")
            return (Promotion(promotionId: id, name: "Fuzz -10%", kind: .percentOff, percent: 10, channels: ["web", "pos"], validFrom: Date().addingTimeInterval(-60),
                              validTo: Date().addingTimeInterval(86_400), stacking: .stackable, priority: 1, active: true), id)
        },
        spec(PromotionsType.applyPromotions, .promotions) { ids, known, f in
            let o = ids.next("order")
            return (ApplyPromotions(orderId: o, basket: .init(channel: "web", currency: "EUR", lines: [.init(lineId: "l1", sku: known ? f.sku : ids.next("sku"),
                                                                                                     category: "shoes", quantity: 2, unitPriceMinor: 4_999)]),
                                    codes: known ? [f.code] : [ids.next("code")]), o)
        },
        spec(PromotionsType.commitRedemptions, .promotions) { ids, _, _ in let o = ids.next("order"); return (CommitRedemptions(orderId: o), o) },
        spec(PromotionsType.releaseRedemptions, .promotions) { ids, _, _ in let o = ids.next("order"); return (ReleaseRedemptions(orderId: o, reason: "cancelled"), o) },
        spec(PromotionsType.generateCodes, .promotions) { ids, known, f in
            let promotion = known ? f.promotion : ids.next("promo")
            return (GenerateCodes(batchId: ids.next("batch"), promotionId: promotion, count: 5, prefix: "FZ"), promotion)
        },
    ]

    static let notifications: [CommandSpec] = [
        spec(NotificationsType.sendNotification, .notifications) { ids, _, _ in
            let id = ids.next("campaign")
            return (SendNotification(campaignId: id, template: "abandoned-cart", customerIds: [UUID().uuidString.lowercased()], locale: "fr", values: ["a": "b"]), id)
        },
        spec(NotificationsType.subscribeBackInStock, .notifications) { ids, known, f in
            let customer = UUID().uuidString.lowercased()
            return (SubscribeBackInStock(customerId: customer, sku: known ? f.sku : ids.next("sku"), storeId: known ? f.store : nil, channel: "web"), customer)
        },
        spec(NotificationsType.setAssigneeContact, .notifications) { ids, _, _ in
            let id = ids.next("rep")
            return (SetAssigneeContact(kind: "field-rep", id: id, name: "Rep", email: "\(id)@example.com"), id)
        },
    ]

    /// The fixture, created before the fuzz: (spec type, payload, key).
    static func fixtureCommands(_ f: Fixture) throws -> [(topic: String, type: String, payload: JSONValue, key: String)] {
        let list: [(ServiceName, String, any Encodable, String)] = [
            (.catalog, CatalogType.upsertLocation, UpsertLocation(locationId: f.warehouse, kind: .warehouse, name: "Fuzz warehouse",
                                                                  address: .init(street: "2 rue", city: "Lesquin", postalCode: "59810", country: "FR"),
                                                                  coordinates: .init(latitude: 50.58, longitude: 3.11)), f.warehouse),
            (.catalog, CatalogType.upsertLocation, UpsertLocation(locationId: f.store, kind: .store, name: "Fuzz store",
                                                                  address: .init(street: "1 rue", city: "Lille", postalCode: "59000", country: "FR"),
                                                                  coordinates: .init(latitude: 50.63, longitude: 3.06), clickAndCollect: true, shipFromStore: true), f.store),
            (.catalog, CatalogType.upsertProduct, UpsertProduct(sku: f.sku, name: "Fuzz shoe", category: "shoes"), f.sku),
            (.catalog, CatalogType.setPrice, SetPrice(sku: f.sku, channel: "default", currency: "EUR", amountMinor: 4_999), f.sku),
            (.catalog, CatalogType.receiveStock, ReceiveStock(sku: f.sku, locationId: f.warehouse, quantity: 10_000), f.sku),
            (.catalog, CatalogType.receiveStock, ReceiveStock(sku: f.sku, locationId: f.store, quantity: 10_000), f.sku),
            (.customers, CustomersType.registerCustomer, RegisterCustomer(identifiers: [.init(.email, f.email)], profile: .init(firstName: "Ana")), f.email),
            (.promotions, PromotionsType.upsertPromotion, Promotion(promotionId: f.promotion, name: "Fuzz code", kind: .percentOff, percent: 10, code: f.code,
                                                                    uniqueCodes: false, validFrom: Date().addingTimeInterval(-60),
                                                                    validTo: Date().addingTimeInterval(86_400)), f.promotion),
        ]
        return try list.map { service, type, payload, key in (Topics.commands(service), type, try JSONValue(encoding: payload), key) }
    }

    /// What the fixture's state needs the first part to be known first (the product in
    /// orders' read model, the customer): a cart holding the sku, a positive points balance.
    static func stateCommands(_ f: Fixture) throws -> [(topic: String, type: String, payload: JSONValue, key: String)] {
        [
            (Topics.commands(.orders), OrdersType.addCartItem, try JSONValue(encoding: AddCartItem(ownerId: f.cartOwner, sku: f.sku, quantity: 1)), f.cartOwner),
            (Topics.commands(.customers), CustomersType.adjustLoyalty,
             try JSONValue(encoding: AdjustLoyalty(customer: .identifier(.init(.email, f.email)), points: 100, reason: "fuzz balance", reference: "fz-\(f.tag)-balance")),
             f.email),
        ]
    }

    /// The extremes every numeric field gets, each alone: Int64's ends, 0, -1, and 2^53
    /// (past which a double, as JavaScript clients hold numbers, is no longer exact).
    static let extremeNumbers = ["-9223372036854775808", "9223372036854775807", "0", "-1", "9007199254740992"]
}
