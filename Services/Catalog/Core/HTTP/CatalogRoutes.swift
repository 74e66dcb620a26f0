import CatalogContracts
import Foundation
import Hummingbird
import OmniAuth
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PostgresNIO

/// The catalog's read side for the channels: products, prices, locations, live
/// availability (per channel, per location, near a store or a point), the stock ledger
/// and reservations. Errors are problem+json.
enum CatalogRoutes {
    static func add(to router: Router<OmniRequestContext>, database: Database) {
        let queries = CatalogQueries(database: database)
        router.get("/products/:sku", requires: .catalogRead) { _, context in
            Response.json(try await queries.product(try context.parameters.require("sku")))
        }
        router.get("/products", requires: .catalogRead) { request, _ in
            Response.json(try await queries.products(category: request.uri.queryParameters.get("category"),
                                                     search: request.uri.queryParameters.get("q").map { String($0.prefix(100)) },
                                                     limit: try limit(request, default: 100)))
        }
        router.get("/prices/:sku", requires: .catalogRead) { request, context in
            let query = request.uri.queryParameters
            let at = try query.get("at").map { text in
                guard let date = Timestamp.parse(text) else { throw badRequest("at", "an ISO 8601 time") }
                return date
            } ?? Date()
            guard let channel = query.get("channel") else { throw badRequest("channel", "a sales channel, e.g. web") }
            return Response.json(try await queries.price(sku: try context.parameters.require("sku"), channel: channel, storeId: query.get("store"), at: at))
        }
        router.get("/locations", requires: .catalogRead) { _, _ in Response.json(try await queries.locations()) }
        router.get("/locations/:id", requires: .catalogRead) { _, context in Response.json(try await queries.location(try context.parameters.require("id"))) }
        router.get("/availability/:sku", requires: .catalogRead) { request, context in
            guard let channel = request.uri.queryParameters.get("channel") else { throw badRequest("channel", "a sales channel, e.g. web or pos") }
            return Response.json(try await queries.availability(sku: try context.parameters.require("sku"), channel: channel,
                                                                storeId: request.uri.queryParameters.get("store")))
        }
        router.get("/availability/:sku/locations/:id", requires: .catalogRead) { _, context in
            Response.json(try await queries.availability(sku: try context.parameters.require("sku"), locationId: try context.parameters.require("id")))
        }
        router.get("/availability/:sku/nearby", requires: .catalogRead) { request, context in
            let query = request.uri.queryParameters
            let origin: NearbyOrigin
            if let store = query.get("store") {
                origin = .store(store)
            } else if let lat = query.get("lat").flatMap(Double.init), let lon = query.get("lon").flatMap(Double.init) {
                let point = GeoPoint(latitude: lat, longitude: lon)
                guard point.isValid else { throw badRequest("lat", "latitude within ±90 and longitude within ±180") }
                origin = .point(point)
            } else {
                throw badRequest("store", "either store=<id> or lat=<deg>&lon=<deg>")
            }
            let radius = try query.get("radiusKm").map { text in
                guard let value = Double(text), value > 0, value <= 20_000 else { throw badRequest("radiusKm", "a distance in km, > 0") }
                return value
            } ?? 25
            return Response.json(try await queries.nearby(sku: try context.parameters.require("sku"), origin: origin, radiusKm: radius,
                                                          limit: try limit(request, default: 10)))
        }
        router.get("/stock/:sku/locations/:id", requires: .stockRead, storeParameter: "id") { request, context in
            Response.json(try await queries.stock(sku: try context.parameters.require("sku"), locationId: try context.parameters.require("id"),
                                                  movements: try limit(request, default: 50)))
        }
        router.get("/reservations/:id", requires: .stockRead) { _, context in
            Response.json(try await queries.reservation(try context.parameters.require("id")))
        }
    }

    static func limit(_ request: Request, default fallback: Int) throws -> Int { try request.limit(default: fallback) }

    static func badRequest(_ field: String, _ expected: String) -> ProblemDetails { .invalidQuery(field, expected) }
}
