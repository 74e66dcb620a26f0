import CatalogContracts
import OmniMessaging
import OmniRuntime

/// Products, price lists and locations: validated, stored, announced with their full state.
enum ProductHandlers {
    @Sendable static func upsertProduct(_ command: UpsertProduct, _ context: CommandContext) async throws {
        try requireText(command.sku, "sku")
        try requireText(command.name, "name")
        try requireText(command.category, "category")
        let upserted = try await CatalogRecords.upsertProduct(command, on: context.connection, logger: context.logger)
        try await context.emit(CatalogType.productUpserted, upserted, subject: command.sku)
    }

    @Sendable static func setPrice(_ command: SetPrice, _ context: CommandContext) async throws {
        if command.channel != PriceResolution.defaultChannel { _ = try ChannelServing.channel(command.channel) }
        guard Currency.isKnown(command.currency) else {
            throw Rejection("unknown-currency", "unknown currency '\(command.currency)': an ISO 4217 code Omni accepts, e.g. EUR")
        }
        guard command.amountMinor >= 0 else { throw Rejection("invalid-amount", "a price cannot be negative (\(command.amountMinor))") }
        guard command.amountMinor <= Currency.maxAmountMinor else {
            throw Rejection("invalid-amount", "a price must be at most \(Currency.maxAmountMinor) minor units, got \(command.amountMinor)")
        }
        if let from = command.validFrom, let to = command.validTo, from >= to {
            throw Rejection("invalid-window", "validFrom must be before validTo")
        }
        try await CatalogRecords.requireProduct(command.sku, on: context.connection, logger: context.logger)
        if let store = command.storeId {
            let location = try await CatalogRecords.location(store, on: context.connection, logger: context.logger)
            guard location.kind == .store else { throw Rejection("not-a-store", "\(store) is a warehouse: store prices name a store") }
        }
        let previous = try await CatalogRecords.setPrice(command, on: context.connection, logger: context.logger)
        try await context.emit(CatalogType.priceChanged, PriceChanged(
            sku: command.sku, channel: command.channel, storeId: command.storeId, currency: command.currency, amountMinor: command.amountMinor,
            validFrom: command.validFrom, validTo: command.validTo, previousAmountMinor: previous), subject: command.sku)
    }

    @Sendable static func upsertLocation(_ command: UpsertLocation, _ context: CommandContext) async throws {
        try requireText(command.locationId, "locationId")
        try requireText(command.name, "name")
        guard command.coordinates.isValid else {
            throw Rejection("invalid-coordinates", "latitude must be within ±90 and longitude within ±180")
        }
        let days: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        for hours in command.openingHours ?? [] {
            guard days.contains(hours.day), isClockTime(hours.opens), isClockTime(hours.closes), hours.opens < hours.closes else {
                throw Rejection("invalid-opening-hours", "opening hours need a day (mon…sun) and HH:MM opens < closes, got \(hours.day) \(hours.opens)-\(hours.closes)")
            }
        }
        if command.kind == .warehouse, command.clickAndCollect == true || command.shipFromStore == true {
            throw Rejection("invalid-location", "click & collect and ship-from-store are store options")
        }
        var stored = command
        stored.clickAndCollect = command.clickAndCollect ?? false
        stored.shipFromStore = command.shipFromStore ?? false
        stored.active = command.active ?? true
        stored.openingHours = command.openingHours ?? []
        try await CatalogRecords.upsertLocation(stored, on: context.connection, logger: context.logger)
        try await context.emit(CatalogType.locationUpserted, LocationUpserted(location: stored), subject: command.locationId)
    }

    static func requireText(_ value: String, _ field: String) throws(Rejection) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw Rejection("missing-field", "\(field) must not be empty") }
    }

    static func isClockTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]) else { return false }
        return (0...24).contains(h) && (0...59).contains(m)
    }
}
