import CatalogContracts
import CustomersContracts
import Foundation
import OmniMessaging
import OmniPersistence
import OmniRuntime
import OrdersContracts
import PostgresNIO
import PromotionsContracts

/// The orders service's outbox: its events, and the commands its saga sends to catalog
/// and promotions, each keyed by the order so the steps stay in order there.
struct OrdersEmitter {
    let outbox: OutboxEmitter
    var connection: PostgresConnection { outbox.connection }
    var logger: Logger { outbox.logger }

    init(_ context: CommandContext) { outbox = OutboxEmitter(context) }

    init(_ context: HandlerContext, cause: CloudEvent) { outbox = OutboxEmitter(context, service: .orders, cause: cause) }

    init(connection: PostgresConnection, logger: Logger, correlation: String?, causation: String? = nil) {
        outbox = OutboxEmitter(connection: connection, logger: logger, service: .orders, correlation: correlation, causation: causation)
    }

    func event(_ type: String, _ payload: some Encodable, orderId: String) async throws {
        try await outbox.emit(type, payload, subject: orderId)
    }

    @discardableResult
    func command(_ type: String, _ payload: some Encodable, to service: ServiceName, orderId: String) async throws -> UUID {
        try await outbox.send(type, payload, to: service, subject: orderId)
    }

    // MARK: The saga's commands

    func reserveStock(for order: OrderRecord, holdSeconds: Int, replacing: String? = nil) async throws -> UUID {
        let fulfilment: Fulfilment = switch order.fulfilment.mode {
        case .pickup: .pickup(at: order.fulfilment.storeId ?? "")
        case .inStore: .inStore(at: order.fulfilment.storeId ?? order.storeId ?? "")
        case .delivery: .delivery(to: order.fulfilment.address.flatMap { address in
            guard let latitude = address.latitude, let longitude = address.longitude else { return nil }
            return GeoPoint(latitude: latitude, longitude: longitude)
        })
        }
        let lines = order.lines.map { SkuQuantity(sku: $0.sku, quantity: $0.quantity) }
        // Taken at the till: sold in the reservation's own step, so no CommitReservation follows.
        let sell: Bool? = order.fulfilment.mode == .inStore ? true : nil
        return try await command(CatalogType.reserveStock, ReserveStock(reservationId: order.reservationId, orderId: order.orderId, channel: order.channel,
                                                                         lines: lines, fulfilment: fulfilment, holdSeconds: holdSeconds,
                                                                         replaces: replacing, sell: sell),
                                 to: .catalog, orderId: order.orderId)
    }

    /// Asks customers to hold the points the order spends, worth at most its total after promotions.
    func holdLoyalty(for order: OrderRecord) async throws -> UUID {
        try await command(CustomersType.holdLoyalty, HoldLoyalty(orderId: order.orderId, customerId: order.customerId ?? "", points: order.loyaltyPoints ?? 0,
                                                                 currency: order.currency, maxValueMinor: order.totalMinor),
                          to: .customers, orderId: order.orderId)
    }

    func releaseStock(of order: OrderRecord, reason: String) async throws {
        try await command(CatalogType.releaseReservation, ReleaseReservation(reservationId: order.reservationId, reason: reason), to: .catalog, orderId: order.orderId)
    }

    func commitStock(of order: OrderRecord) async throws {
        try await command(CatalogType.commitReservation, CommitReservation(reservationId: order.reservationId), to: .catalog, orderId: order.orderId)
    }

    func applyPromotions(for order: OrderRecord) async throws -> UUID {
        let basket = Basket(channel: order.channel, storeId: order.storeId ?? order.fulfilment.storeId, customerId: order.customerId, currency: order.currency,
                            lines: order.lines.map { BasketLine(lineId: $0.lineId, sku: $0.sku, category: $0.category, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor) },
                            shippingMinor: 0, at: order.placedAt)
        return try await command(PromotionsType.applyPromotions, ApplyPromotions(orderId: order.orderId, basket: basket, codes: order.promoCodes),
                                 to: .promotions, orderId: order.orderId)
    }

    func releaseRedemptions(of order: OrderRecord, reason: String) async throws {
        try await command(PromotionsType.releaseRedemptions, ReleaseRedemptions(orderId: order.orderId, reason: reason), to: .promotions, orderId: order.orderId)
    }
}
