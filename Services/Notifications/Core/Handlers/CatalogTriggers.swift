import CatalogContracts
import Foundation
import NotificationsContracts
import OmniMessaging
import OmniRuntime

/// Catalog's events: store and product names for templates, and "back in stock": a
/// customer who subscribed to a sku is told once when it is available again where they
/// asked (a store, or online).
struct CatalogTriggers: Sendable {
    let dispatch: MessageDispatch

    func register(_ handlers: inout EventHandlers) {
        handlers.on(CatalogType.locationUpserted) { event, context in
            try await StoreRecords.upsert(try event.decode(LocationUpserted.self).location, on: context.connection, logger: context.logger)
        }
        handlers.on(CatalogType.productUpserted) { event, context in
            let product = try event.decode(ProductUpserted.self)
            try await StockSubscriptionRecords.upsertProduct(sku: product.sku, name: product.name, on: context.connection, logger: context.logger)
        }
        // Most changes find nobody waiting: one statement for a whole run of them.
        handlers.onBatch(CatalogType.availabilityChanged) { events, context in
            try await tell(events, levels: { try $0.decode(AvailabilityChanged.self).levels }, context)
        }
        // What a topic still held when catalog moved to v2: one level per event.
        handlers.onBatch(CatalogType.availabilityChangedV1) { events, context in
            try await tell(events, levels: { [try $0.decode(StockAvailability.self)] }, context)
        }
    }

    /// The places a run of availability events made available, each with the first event that did.
    private func tell(_ events: [CloudEvent], levels: (CloudEvent) throws -> [StockAvailability], _ context: HandlerContext) async throws {
        var places: [Place: CloudEvent] = [:]
        for event in events {
            for level in try levels(event) {
                var available: [Place] = []
                if level.available > 0 { available.append(Place(sku: level.sku, locationId: level.locationId)) }
                if level.onlineAvailable > 0 { available.append(Place(sku: level.sku, locationId: "")) }
                for place in available where places[place] == nil { places[place] = event }
            }
        }
        guard !places.isEmpty else { return }
        try await tell(places, context)
    }

    /// A sku at a location ("" online).
    struct Place: Hashable, Comparable {
        var sku: String
        var locationId: String
        static func < (a: Place, b: Place) -> Bool { (a.sku, a.locationId) < (b.sku, b.locationId) }
    }

    /// Everyone waiting at one of `places`, once each, as caused by the event that made it available there.
    private func tell(_ places: [Place: CloudEvent], _ context: HandlerContext) async throws {
        let connection = context.connection, logger = context.logger
        let waiting = try await StockSubscriptionRecords.takeWaiting(at: places.keys.sorted(), on: connection, logger: logger)
        var products: [String: String] = [:]
        var stores: [String: StoreRecords.Store?] = [:]
        for (customerId, place, since) in waiting {
            guard let event = places[place] else { continue }
            let sku = place.sku, locationId = place.locationId
            if products[sku] == nil { products[sku] = try await StockSubscriptionRecords.productName(sku, on: connection, logger: logger) ?? sku }
            if !locationId.isEmpty, stores[locationId] == nil {
                stores[locationId] = .some(try await StoreRecords.find(locationId, on: connection, logger: logger))
            }
            let store = stores[locationId] ?? nil
            // The customer asked for it: not marketing (no cap), on a medium they have not refused.
            var values: [String: Any] = ["productName": products[sku] ?? sku, "sku": sku]
            values["storeName"] = locationId.isEmpty ? nil : store?.name ?? locationId  // absent: online
            let request = MessageRequest(trigger: "back-in-stock", template: "back-in-stock", customerId: customerId, transactional: true,
                                         dedupeKey: "back-in-stock/\(customerId)/\(sku)/\(locationId)/\(Int(since.timeIntervalSince1970))",
                                         values: values)
            try await dispatch.dispatch(request, emitter: OutboxEmitter(context, service: .notifications, cause: event))
        }
    }
}
