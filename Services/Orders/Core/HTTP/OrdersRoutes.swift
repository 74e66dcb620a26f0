import Foundation
import Hummingbird
import OmniAuth
import OmniMessaging
import OmniPersistence
import OmniRuntime
import OrdersContracts
import PostgresNIO
import CatalogContracts

/// The orders service's read side for the channels: an order with its history, a
/// customer's orders across channels, a cart priced for the channel asking.
enum OrdersRoutes {
    static func add(to router: Router<OmniRequestContext>, database: Database) {
        let queries = OrdersQueries(database: database)
        OrdersCustomerExport.add(to: router, database: database)
        router.get("/orders/:id", requires: .ordersRead) { _, context in
            let view = try await queries.order(try context.parameters.require("id"))
            // An order's contact and delivery address are personal data: the read is logged
            // (a guest order by its own id: there is no customer to file it under).
            if view.order.contact != nil || view.order.fulfilment.address != nil {
                try await context.recordPersonalDataAccess(customer: view.order.customerId ?? "guest-order:\(view.order.orderId)", action: "order-contact")
            }
            return Response.json(view)
        }
        router.get("/quotes/:id", requires: .ordersRead) { _, context in
            let id = try context.parameters.require("id")
            let quote = try await database.withConnection { connection in
                try await QuoteRecords.find(id, on: connection, logger: database.logger)
            }
            guard let quote else { throw ProblemDetails.notFound("no quote \(id)") }
            return Response.json(quote)
        }
        router.get("/customers/:id/orders", requires: .ordersRead) { request, context in
            let list = try await queries.customerOrders(try context.parameters.require("id"), limit: try request.limit(default: 50),
                                                        before: try request.time("before"))
            if list.orders.contains(where: { $0.contact != nil || $0.fulfilment.address != nil }) {
                try await context.recordPersonalDataAccess(customer: list.customerId, action: "order-contacts")
            }
            return Response.json(list)
        }
        router.get("/customers/:id/quotes", requires: .ordersRead) { request, context in
            let id = try context.parameters.require("id")
            let limit = try request.limit(default: 50)
            let quotes = try await database.withConnection { connection in
                try await QuoteRecords.of(customer: id, limit: limit, on: connection, logger: database.logger)
            }
            // A quote holds its buyer's contact: personal data, logged.
            if quotes.contains(where: { $0.contact != nil }) { try await context.recordPersonalDataAccess(customer: id, action: "quote-contacts") }
            return Response.json(QuoteList(customerId: id, quotes: quotes))
        }
        router.get("/stores/:id/pickups", requires: .ordersRead, storeParameter: "id") { _, context in
            let store = try context.parameters.require("id")
            let records = try await database.withConnection { connection in
                try await OrderRecords.pickups(at: store, on: connection, logger: database.logger)
            }
            return Response.json(PickupDesk(storeId: store, orders: records, now: Date()))
        }
        router.get("/carts/:owner", requires: .ordersRead) { request, context in
            let query = request.uri.queryParameters
            let channel = query.get("channel") ?? SalesChannel.web.rawValue
            guard SalesChannel(rawValue: channel) != nil else { throw ProblemDetails.invalidQuery("channel", "a sales channel, e.g. web or pos") }
            return Response.json(try await queries.cart(try context.parameters.require("owner"), channel: channel, storeId: query.get("store")))
        }
    }
}

/// An order as a channel shows it.
struct OrderView: Codable, Sendable {
    struct Step: Codable, Sendable {
        var status: String
        var detail: String?
        var at: Date
    }
    var order: OrderSnapshot
    var sagaStep: String
    var pickupCode: String?
    var collectBy: Date?
    var rejectCode: String?
    var rejectMessage: String?
    var history: [Step]
    /// What came back, refunded and where.
    var returns: [ItemsReturned]
}

/// A store's click & collect desk: to prepare, ready (waiting for the customer), overdue
/// (past the collect-by date, about to be cancelled), cancelled in the last day. No contact:
/// the desk works by order id and pickup code.
struct PickupDesk: Codable, Sendable {
    struct Pickup: Codable, Sendable {
        var orderId: String
        var channel: String
        var lines: [OrderLine]
        var totalMinor: Int64
        var currency: String
        var placedAt: Date
        var collectBy: Date?
    }
    var storeId: String
    var toPrepare: [Pickup]
    var ready: [Pickup]
    var overdue: [Pickup]
    var cancelled: [Pickup]

    init(storeId: String, orders: [OrderRecord], now: Date) {
        self.storeId = storeId
        func pickup(_ order: OrderRecord) -> Pickup {
            Pickup(orderId: order.orderId, channel: order.channel, lines: order.lines, totalMinor: order.totalMinor, currency: order.currency,
                   placedAt: order.placedAt, collectBy: order.collectBy)
        }
        toPrepare = orders.filter { $0.status == .confirmed }.map(pickup)
        ready = orders.filter { $0.status == .readyForPickup && ($0.collectBy ?? .distantFuture) >= now }.map(pickup)
        overdue = orders.filter { $0.status == .readyForPickup && ($0.collectBy ?? .distantFuture) < now }.map(pickup)
        cancelled = orders.filter { $0.status == .cancelled }.map(pickup)
    }
}

/// A customer's B2B quotes, newest first.
struct QuoteList: Codable, Sendable {
    var customerId: String
    var quotes: [QuoteSnapshot]
}

struct OrderList: Codable, Sendable {
    var customerId: String
    var orders: [OrderSnapshot]
    /// Pass as `before=` for the next page.
    var next: Date?
}

/// A cart with today's prices for the channel asking (lines the catalog no longer sells
/// are flagged, not dropped).
struct CartView: Codable, Sendable {
    struct Line: Codable, Sendable {
        var sku: String
        var name: String?
        var quantity: Int
        var unitPriceMinor: Int64?
        var lineTotalMinor: Int64?
        var available: Bool
    }
    var ownerId: String
    var channel: String
    var currency: String?
    var lines: [Line]
    var subtotalMinor: Int64
    var itemCount: Int
    var lastChannel: String?
    var updatedAt: Date?
}

struct OrdersQueries: Sendable {
    let database: Database

    func order(_ id: String) async throws -> OrderView {
        try await database.withConnection { connection in
            guard let record = try await OrderRecords.find(id, on: connection, logger: database.logger) else {
                throw ProblemDetails.notFound("no order \(id)")
            }
            let history = try await OrderRecords.history(id, on: connection, logger: database.logger)
            return OrderView(order: record.snapshot, sagaStep: record.sagaStep.rawValue, pickupCode: record.pickupCode, collectBy: record.collectBy,
                             rejectCode: record.rejectCode, rejectMessage: record.rejectMessage,
                             history: history.map { OrderView.Step(status: $0.0, detail: $0.1, at: $0.2) },
                             returns: try await ReturnRecords.all(of: id, on: connection, logger: database.logger))
        }
    }

    func customerOrders(_ customerId: String, limit: Int, before: Date?) async throws -> OrderList {
        try await database.withConnection { connection in
            let records = try await OrderRecords.customerOrders(customerId, limit: limit, before: before, on: connection, logger: database.logger)
            return OrderList(customerId: customerId, orders: records.map(\.snapshot), next: records.count == limit ? records.last?.placedAt : nil)
        }
    }

    func cart(_ owner: String, channel: String, storeId: String?) async throws -> CartView {
        try await database.withConnection { connection in
            let logger = database.logger
            let stored = try await CartRecords.find(owner, on: connection, logger: logger)
            let lines = stored?.cart.lines ?? []
            let products = try await CatalogReadModel.products(lines.map(\.sku), on: connection, logger: logger)
            var view = CartView(ownerId: owner, channel: channel, currency: nil, lines: [], subtotalMinor: 0, itemCount: 0,
                                lastChannel: stored?.lastChannel, updatedAt: stored?.updatedAt)
            let now = Date()
            for line in lines {
                let product = products[line.sku]
                let price = product.flatMap { PriceResolution.price(among: $0.prices, channel: channel, storeId: storeId, at: now) }
                // Checked: a price the read model took before the bounds (or from elsewhere)
                // times the quantity may not fit; that line then has no total and cannot be bought.
                let total = price.flatMap { Currency.lineTotal($0.amountMinor, line.quantity) }
                let subtotal = view.subtotalMinor.addingReportingOverflow(total ?? 0)
                let priced = price != nil && total != nil && !subtotal.overflow
                view.lines.append(CartView.Line(sku: line.sku, name: product?.name, quantity: line.quantity, unitPriceMinor: price?.amountMinor,
                                                lineTotalMinor: priced ? total : nil, available: product?.active == true && priced))
                view.currency = view.currency ?? price?.currency
                if priced { view.subtotalMinor = subtotal.partialValue }
                view.itemCount += line.quantity
            }
            return view
        }
    }
}
