import CatalogContracts
import OmniMessaging
import OmniPersistence
import OmniRuntime

/// Transfers that travel: shipped, the units leave the sender's on-hand at once; received,
/// they go on hand at the receiver. In between they are in `transfers`, at neither end, and
/// the stock views show them apart as in transit.
enum TransferHandlers {
    static func ship(_ command: TransferStock, from: StockKey, _ context: CommandContext) async throws {
        guard let reference = command.reference?.trimmingCharacters(in: .whitespaces), !reference.isEmpty else {
            throw Rejection("reference-required", "a transfer in transit needs its reference (the delivery note), to be received by")
        }
        var changes = try await StockChanges.lock([from], creating: true, on: context.connection, logger: context.logger)
        changes.move(from, to: try changes[from].removing(command.quantity, sku: command.sku), kind: .transferOut, reference: reference)
        let shipped = try await context.connection.run("""
            INSERT INTO transfers (reference, sku, from_location_id, to_location_id, quantity)
            VALUES (\(reference), \(command.sku), \(command.fromLocationId), \(command.toLocationId), \(command.quantity))
            ON CONFLICT (reference) DO NOTHING RETURNING reference
            """, logger: context.logger).decode(String.self).first { _ in true }
        guard shipped != nil else { throw Rejection("duplicate-transfer", "a transfer \(reference) was already shipped") }
        try await changes.save(OutboxEmitter(context))
    }

    @Sendable static func receive(_ command: ReceiveTransfer, _ context: CommandContext) async throws {
        let rows = try await context.connection.run("""
            SELECT sku, to_location_id, quantity, received_at IS NOT NULL FROM transfers WHERE reference = \(command.reference) FOR UPDATE
            """, logger: context.logger).decode((String, String, Int, Bool).self)
        var found: (sku: String, to: String, quantity: Int, received: Bool)?
        for try await row in rows { found = row }
        guard let transfer = found, transfer.sku == command.sku else {
            throw Rejection("unknown-transfer", "no transfer \(command.reference) of \(command.sku) in transit")
        }
        guard transfer.to == command.locationId else {
            throw Rejection("wrong-location", "transfer \(command.reference) goes to \(transfer.to), not \(command.locationId)")
        }
        guard !transfer.received else { throw Rejection("already-received", "transfer \(command.reference) was already received") }
        let quantity = command.quantity ?? transfer.quantity
        guard (0...transfer.quantity).contains(quantity) else {
            throw Rejection("invalid-quantity", "\(quantity) received of the \(transfer.quantity) shipped: 0 to \(transfer.quantity)")
        }
        let key = StockKey(sku: command.sku, locationId: command.locationId)
        var changes = try await StockChanges.lock([key], creating: true, on: context.connection, logger: context.logger)
        if quantity > 0 {
            changes.move(key, to: try changes[key].receiving(quantity), kind: .transferIn,
                         reason: quantity < transfer.quantity ? "\(transfer.quantity - quantity) lost in transit" : nil, reference: command.reference)
        }
        try await context.connection.run("""
            UPDATE transfers SET received_quantity = \(quantity), received_at = now() WHERE reference = \(command.reference)
            """, logger: context.logger)
        // Announced even when nothing arrived: the sender of the command gets its answer.
        try await changes.save(OutboxEmitter(context), announcing: [key])
    }
}
