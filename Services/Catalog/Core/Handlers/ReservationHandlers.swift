import CatalogContracts
import Foundation
import OmniMessaging
import OmniRuntime
import PostgresNIO

/// How long holds last.
struct ReservationPolicy: Sendable {
    var defaultHold: Duration = .seconds(1800)
    var longestHold: Duration = .seconds(30 * 24 * 3600)
}

/// Reservations for orders: all lines or none, from the click & collect store or from the
/// locations the sourcing rule picks; released on request or when the hold runs out;
/// committed when the goods leave with the customer.
enum ReservationHandlers {
    static func reserve(_ command: ReserveStock, _ context: CommandContext, policy: ReservationPolicy) async throws {
        let connection = context.connection, logger = context.logger
        guard !command.reservationId.isEmpty, !command.orderId.isEmpty else {
            throw Rejection("missing-field", "reservationId and orderId are required")
        }
        let channel = try ChannelServing.channel(command.channel)
        try validateLines(command.lines)
        let hold = command.holdSeconds.map { Duration.seconds($0) } ?? policy.defaultHold
        guard hold > .zero, hold <= policy.longestHold else {
            throw Rejection("invalid-hold", "holdSeconds must be between 1 and \(policy.longestHold.components.seconds)")
        }
        let selling = command.sell == true
        if selling, command.fulfilment.mode != .inStore {
            throw Rejection("sell-in-store-only", "sell is for goods taken at the till: fulfilment.mode must be in-store")
        }
        let lines = mergedLines(command.lines)
        let skus = lines.map(\.sku)
        // Where the units may come from, known from the locations kept in memory: their stock
        // rows are locked in the round trip that looks for a retried command. A refusal waits
        // until then (a retry is answered even if the store changed since). Taking over a
        // hold locks after its release instead, so rows are still locked in one global order.
        let locations = try await CatalogRecords.locations(ids: nil, on: connection, logger: logger)
        let sources = Result { try candidateLocations(for: command.fulfilment, channel: channel, among: locations) }
        let takesOver = command.replaces.map { $0 != command.reservationId } ?? false
        let (existing, active, locked) = try await ReservationRecords.lookUpAndLock(
            command.reservationId, skus: skus, at: takesOver ? [] : (try? sources.get())?.map(\.id) ?? [], on: connection, logger: logger)
        if let existing {
            // A retried command: answer with the current outcome instead of holding twice.
            guard existing.status == "held" || existing.sold else {
                throw Rejection("reservation-closed", "reservation \(command.reservationId) is already \(existing.status)")
            }
            try await context.emit(CatalogType.stockReserved, existing.reserved, subject: command.reservationId, key: command.orderId)
            return
        }
        try CatalogRecords.requireSellable(skus.sorted(), active: active)
        let candidates = try sources.get()
        var changes = locked
        // Taking over a hold (a quote's, as it becomes an order): its units come back first.
        if takesOver, let replaced = command.replaces {
            if let held = try await ReservationRecords.lockHeldIfAny(replaced, on: connection, logger: logger) {
                try await release(held, reason: "replaced-by-\(command.reservationId)", emitter: OutboxEmitter(context))
            }
            changes = try await StockChanges.lock(skus: skus, at: candidates.map(\.id), on: connection, logger: logger)
        }

        let offers = candidates.map { location in
            Sourcing.Candidate(location: location, available: Dictionary(uniqueKeysWithValues: lines.map {
                ($0.sku, changes[StockKey(sku: $0.sku, locationId: location.id)].available)
            }))
        }
        let expiresAt = Date().addingTimeInterval(Double(hold.components.seconds))
        switch Sourcing.source(lines, from: offers, destination: command.fulfilment.destination) {
        case .shortfall(let shortfall):
            try await ReservationRecords.insert(command, status: "failed", expiresAt: expiresAt, allocations: [], cause: context.command, on: connection, logger: logger)
            let detail = shortfall.map { "\($0.sku): \($0.requested) requested, \($0.available) available" }.joined(separator: "; ")
            try await context.emit(CatalogType.stockReservationFailed, StockReservationFailed(
                reservationId: command.reservationId, orderId: command.orderId, reasonCode: "insufficient-stock",
                message: "not enough stock: \(detail)", shortfall: shortfall), subject: command.reservationId, key: command.orderId)
        case .allocated(let allocations):
            for allocation in allocations {
                let key = StockKey(sku: allocation.sku, locationId: allocation.locationId)
                if selling {
                    guard let sold = changes[key].selling(allocation.quantity) else { preconditionFailure("sourcing allocated more than available") }
                    changes.move(key, to: sold, kind: .orderSale, reference: command.orderId)
                } else {
                    guard let next = changes[key].reserving(allocation.quantity) else { preconditionFailure("sourcing allocated more than available") }
                    changes.set(key, next)
                }
            }
            // The answer to the saga with the availability it moved (and a till sale's ledger
            // rows) riding on it: one message, not one per sku and location.
            let saved = try await changes.save(OutboxEmitter(context), announcingAvailability: false, announcingMovements: false)
            let reserved = StockReserved(reservationId: command.reservationId, orderId: command.orderId, channel: command.channel,
                                         fulfilment: command.fulfilment, allocations: allocations, expiresAt: expiresAt, levels: saved.levels,
                                         sold: selling ? true : nil, movements: saved.movements.isEmpty ? nil : saved.movements)
            try await ReservationRecords.insert(command, status: selling ? "committed" : "held", expiresAt: expiresAt, allocations: allocations,
                                                cause: context.command, on: connection, logger: logger)
            try await context.emit(CatalogType.stockReserved, reserved, subject: command.reservationId, key: command.orderId)
        }
    }

    /// The locations a reservation may take from: the click & collect store, the till's
    /// store, or for delivery those serving the channel. Refuses a store that cannot.
    private static func candidateLocations(for fulfilment: Fulfilment, channel: SalesChannel, among locations: [LocationProfile]) throws -> [LocationProfile] {
        func store(_ id: String) throws -> LocationProfile { try CatalogRecords.location(id, among: locations) }
        switch fulfilment.mode {
        case .pickup:
            guard let storeId = fulfilment.storeId else { throw Rejection("store-required", "click & collect needs fulfilment.storeId") }
            let pickup = try store(storeId)
            guard pickup.kind == .store, pickup.active, pickup.clickAndCollect else {
                throw Rejection("no-click-and-collect", "\(storeId) does not offer click & collect")
            }
            return [pickup]
        case .inStore:
            guard let storeId = fulfilment.storeId else { throw Rejection("store-required", "an in-store purchase needs fulfilment.storeId") }
            let till = try store(storeId)
            guard till.kind == .store, till.active else { throw Rejection("unknown-store", "\(storeId) is not an open store") }
            return [till]
        case .delivery:
            return channel.isInStore ? locations.filter(\.servesOnline) : try ChannelServing.locations(for: channel, storeId: nil, among: locations)
        }
    }

    @Sendable static func release(_ command: ReleaseReservation, _ context: CommandContext) async throws {
        let held = try await ReservationRecords.lockHeld(command.reservationId, orSold: true, on: context.connection, logger: context.logger)
        try await release(held, reason: command.reason ?? "requested", emitter: OutboxEmitter(context))
    }

    /// Gives the units back; shared by `ReleaseReservation` and the expiry poller. A sale
    /// made at once (`ReserveStock.sell`) is undone: the units come back on the shelf, and
    /// the ledger records it against the same order.
    static func release(_ held: ReservationRecords.Held, reason: String, emitter: OutboxEmitter) async throws {
        let keys = Set(held.allocations.map { StockKey(sku: $0.sku, locationId: $0.locationId) })
        var changes = try await StockChanges.lock(keys, creating: false, on: emitter.connection, logger: emitter.logger)
        for allocation in held.allocations {
            let key = StockKey(sku: allocation.sku, locationId: allocation.locationId)
            if held.sold {
                changes.move(key, to: changes[key].unselling(allocation.quantity), kind: .orderSale, reason: "sale undone: \(reason)", reference: held.orderId)
            } else {
                changes.set(key, changes[key].releasing(allocation.quantity))
            }
        }
        try await ReservationRecords.close(held.reservationId, status: "released", reason: reason, on: emitter.connection, logger: emitter.logger)
        try await emitter.emit(CatalogType.reservationReleased, ReservationReleased(
            reservationId: held.reservationId, orderId: held.orderId, reason: reason, allocations: held.allocations),
            subject: held.reservationId, key: held.orderId)
        try await changes.save(emitter)
    }

    @Sendable static func commit(_ command: CommitReservation, _ context: CommandContext) async throws {
        let held = try await ReservationRecords.lockHeld(command.reservationId, on: context.connection, logger: context.logger)
        let keys = Set(held.allocations.map { StockKey(sku: $0.sku, locationId: $0.locationId) })
        var changes = try await StockChanges.lock(keys, creating: false, on: context.connection, logger: context.logger)
        for allocation in held.allocations {
            let key = StockKey(sku: allocation.sku, locationId: allocation.locationId)
            changes.move(key, to: changes[key].committing(allocation.quantity), kind: .orderSale, reference: held.orderId)
        }
        try await ReservationRecords.close(held.reservationId, status: "committed", reason: nil, on: context.connection, logger: context.logger)
        try await context.emit(CatalogType.reservationCommitted, ReservationCommitted(
            reservationId: held.reservationId, orderId: held.orderId, allocations: held.allocations),
            subject: held.reservationId, key: held.orderId)
        try await changes.save(OutboxEmitter(context))
    }
}
