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
        handlers.on(CatalogType.availabilityChanged) { event, context in
            let change = try event.decode(AvailabilityChanged.self)
            var places: [String] = []
            if change.available > 0 { places.append(change.locationId) }
            if change.onlineAvailable > 0 { places.append("") }
            guard !places.isEmpty else { return }
            try await tell(change.sku, at: places, event, context)
        }
    }

    /// Everyone waiting for `sku` at one of `locationIds` ("" online), once each.
    private func tell(_ sku: String, at locationIds: [String], _ event: CloudEvent, _ context: HandlerContext) async throws {
        let connection = context.connection, logger = context.logger
        let waiting = try await StockSubscriptionRecords.takeWaiting(sku: sku, at: locationIds, on: connection, logger: logger)
        guard !waiting.isEmpty else { return }
        let product = try await StockSubscriptionRecords.productName(sku, on: connection, logger: logger) ?? sku
        let emitter = OutboxEmitter(context, service: .notifications, cause: event)
        var stores: [String: StoreRecords.Store?] = [:]
        for (customerId, locationId, since) in waiting {
            if !locationId.isEmpty, stores[locationId] == nil {
                stores[locationId] = .some(try await StoreRecords.find(locationId, on: connection, logger: logger))
            }
            let store = stores[locationId] ?? nil
            // The customer asked for it: not marketing (no cap), on a medium they have not refused.
            var values: [String: Any] = ["productName": product, "sku": sku]
            values["storeName"] = locationId.isEmpty ? nil : store?.name ?? locationId  // absent: online
            let request = MessageRequest(trigger: "back-in-stock", template: "back-in-stock", customerId: customerId, transactional: true,
                                         dedupeKey: "back-in-stock/\(customerId)/\(sku)/\(locationId)/\(Int(since.timeIntervalSince1970))",
                                         values: values)
            try await dispatch.dispatch(request, emitter: emitter)
        }
    }
}
