import CatalogContracts
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// Movements of stock: each locks its rows, applies the pure `StockLevel` rules, writes a
/// ledger row per change of on-hand, and announces movements and availability.
enum StockHandlers {
    @Sendable static func receive(_ command: ReceiveStock, _ context: CommandContext) async throws {
        let key = try await requireKnown(command.sku, command.locationId, context)
        var changes = try await StockChanges.lock([key], creating: true, on: context.connection, logger: context.logger)
        changes.move(key, to: try changes[key].receiving(command.quantity), kind: .receipt, reference: command.reference)
        try await changes.save(OutboxEmitter(context))
    }

    @Sendable static func adjust(_ command: AdjustStock, _ context: CommandContext) async throws {
        guard !command.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Rejection("reason-required", "a stock adjustment needs a reason (count, damaged, theft...)")
        }
        let key = try await requireKnown(command.sku, command.locationId, context)
        var changes = try await StockChanges.lock([key], creating: true, on: context.connection, logger: context.logger)
        changes.move(key, to: try changes[key].adjusting(by: command.delta), kind: .adjustment, reason: command.reason)
        try await changes.save(OutboxEmitter(context))
    }

    @Sendable static func transfer(_ command: TransferStock, _ context: CommandContext) async throws {
        guard command.fromLocationId != command.toLocationId else {
            throw Rejection("same-location", "a transfer needs two different locations (both are \(command.fromLocationId))")
        }
        try StockLevel.requirePositive(command.quantity)
        let from = try await requireKnown(command.sku, command.fromLocationId, context)
        let to = try await requireKnown(command.sku, command.toLocationId, context)
        if command.inTransit == true { return try await TransferHandlers.ship(command, from: from, context) }
        var changes = try await StockChanges.lock([from, to], creating: true, on: context.connection, logger: context.logger)
        let reference = command.reference ?? context.command.id.uuidString.lowercased()
        changes.move(from, to: try changes[from].removing(command.quantity, sku: command.sku), kind: .transferOut, reference: reference)
        changes.move(to, to: try changes[to].receiving(command.quantity), kind: .transferIn, reference: reference)
        try await changes.save(OutboxEmitter(context))
    }

    /// A till sale: every line or none; a till may sell its safety stock, never reserved units.
    @Sendable static func posSale(_ command: RecordPosSale, _ context: CommandContext) async throws {
        try validateLines(command.lines)
        let store = try await CatalogRecords.location(command.storeId, on: context.connection, logger: context.logger)
        guard store.kind == .store else { throw Rejection("not-a-store", "\(command.storeId) is a warehouse: POS sales happen in stores") }
        let lines = mergedLines(command.lines)
        try await CatalogRecords.requireSellable(lines.map(\.sku), on: context.connection, logger: context.logger)
        let keys = Set(lines.map { StockKey(sku: $0.sku, locationId: store.id) })
        var changes = try await StockChanges.lock(keys, creating: true, on: context.connection, logger: context.logger)
        for line in lines {
            let key = StockKey(sku: line.sku, locationId: store.id)
            changes.move(key, to: try changes[key].removing(line.quantity, sku: line.sku), kind: .posSale, reference: command.saleId)
        }
        try await changes.save(OutboxEmitter(context))
    }

    @Sendable static func restockReturn(_ command: RestockReturn, _ context: CommandContext) async throws {
        try validateLines(command.lines)
        _ = try await CatalogRecords.location(command.locationId, on: context.connection, logger: context.logger)
        let lines = mergedLines(command.lines)
        for line in lines { try await CatalogRecords.requireProduct(line.sku, on: context.connection, logger: context.logger) }
        // A return is put back on sale once, whatever sends its id again.
        let kind = StockMovementRecorded.Kind.returnRestock.rawValue
        if try await context.connection.run("SELECT 1 FROM stock_ledger WHERE kind = \(kind) AND reference = \(command.returnId) LIMIT 1",
                                              logger: context.logger).decode(Int.self).first(where: { _ in true }) != nil {
            throw Rejection("already-restocked", "return \(command.returnId) was already put back on sale")
        }
        let keys = Set(lines.map { StockKey(sku: $0.sku, locationId: command.locationId) })
        var changes = try await StockChanges.lock(keys, creating: true, on: context.connection, logger: context.logger)
        for line in lines {
            let key = StockKey(sku: line.sku, locationId: command.locationId)
            changes.move(key, to: try changes[key].receiving(line.quantity), kind: .returnRestock,
                         reason: command.orderId.map { "return of order \($0)" }, reference: command.returnId)
        }
        try await changes.save(OutboxEmitter(context))
    }

    @Sendable static func setSafetyStock(_ command: SetSafetyStock, _ context: CommandContext) async throws {
        let key = try await requireKnown(command.sku, command.locationId, context)
        var changes = try await StockChanges.lock([key], creating: true, on: context.connection, logger: context.logger)
        changes.set(key, try changes[key].withSafetyStock(command.quantity))
        // Announced even when availability stays put (the same value again, nothing on hand),
        // so the sender always learns the level it set.
        try await changes.save(OutboxEmitter(context), announcing: [key])
    }

    static func requireKnown(_ sku: String, _ locationId: String, _ context: CommandContext) async throws -> StockKey {
        try await CatalogRecords.requireProduct(sku, on: context.connection, logger: context.logger)
        _ = try await CatalogRecords.location(locationId, on: context.connection, logger: context.logger)
        return StockKey(sku: sku, locationId: locationId)
    }
}
