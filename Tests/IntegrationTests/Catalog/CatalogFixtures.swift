import CatalogContracts
import Foundation
import OmniMessaging

/// A small retail network: a warehouse, a click & collect store, a ship-from-store store
/// nearby, and a far store, with one product stocked here and there.
struct CatalogFixtures {
    let sku = "SKU-\(UUID().uuidString.prefix(6))"
    let warehouse = "wh-north"
    let store = "st-lille-centre"
    let nearbyStore = "st-lille-gare"
    let farStore = "st-nice"

    static func address(_ city: String) -> UpsertLocation.Address {
        .init(street: "1 rue Test", city: city, postalCode: "59000", country: "FR")
    }

    var locations: [UpsertLocation] {
        [
            UpsertLocation(locationId: warehouse, kind: .warehouse, name: "North DC", address: Self.address("Arras"),
                           coordinates: GeoPoint(latitude: 50.29, longitude: 2.78)),
            UpsertLocation(locationId: store, kind: .store, name: "Lille Centre", address: Self.address("Lille"),
                           openingHours: [.init(day: "mon", opens: "09:00", closes: "19:00")],
                           coordinates: GeoPoint(latitude: 50.637, longitude: 3.063), clickAndCollect: true),
            UpsertLocation(locationId: nearbyStore, kind: .store, name: "Lille Gare", address: Self.address("Lille"),
                           openingHours: [.init(day: "mon", opens: "08:00", closes: "20:00"), .init(day: "sat", opens: "09:00", closes: "18:00")],
                           coordinates: GeoPoint(latitude: 50.636, longitude: 3.071), clickAndCollect: true, shipFromStore: true),
            UpsertLocation(locationId: farStore, kind: .store, name: "Nice", address: Self.address("Nice"),
                           coordinates: GeoPoint(latitude: 43.70, longitude: 7.27), clickAndCollect: true),
        ]
    }

    /// Loads the network and the product into the catalog behind `stack`, and waits until it handled all of it.
    func load(into stack: ServiceStack, stock: [String: Int]) async throws {
        for location in locations {
            let outcome = try await stack.perform(CatalogType.upsertLocation, location, key: location.locationId)
            guard outcome.type == CatalogType.locationUpserted else { throw Unexpected(outcome) }
        }
        let product = UpsertProduct(sku: sku, name: "Trail shoe", description: "Waterproof", category: "shoes", attributes: ["size": "42"])
        guard try await stack.perform(CatalogType.upsertProduct, product, key: sku).type == CatalogType.productUpserted else { throw Unexpected(nil) }
        for (location, quantity) in stock.sorted(by: { $0.key < $1.key }) {
            let outcome = try await stack.perform(CatalogType.receiveStock, ReceiveStock(sku: sku, locationId: location, quantity: quantity, reference: "PO-1"), key: sku)
            guard outcome.type == CatalogType.stockMovementRecorded else { throw Unexpected(outcome) }
        }
    }

    struct Unexpected: Error, CustomStringConvertible {
        var event: CloudEvent?
        init(_ event: CloudEvent?) { self.event = event }
        var description: String { "unexpected outcome \(event?.type ?? "none"): \(event.map { String(decoding: $0.data, as: UTF8.self) } ?? "")" }
    }
}

extension CatalogType {
    /// What answers a reservation command (keyed by order id; the availability and ledger
    /// events it also causes are keyed by sku and may arrive first).
    static let reservationOutcomes: Set<String> = [stockReserved, stockReservationFailed, reservationReleased, reservationCommitted, commandRejected]
}

extension CloudEvent {
    func payload<T: Decodable>(_ type: T.Type = T.self) throws -> T { try decode(T.self) }
}

extension ServiceStack {
    /// A reservation command and its answer.
    func performReservation<Payload: Encodable>(_ type: String, _ payload: Payload, key: String, channel: String = "web") async throws -> CloudEvent {
        try await perform(type, payload, key: key, channel: channel, expecting: CatalogType.reservationOutcomes)
    }
}
