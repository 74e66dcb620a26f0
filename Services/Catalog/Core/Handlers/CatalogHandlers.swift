import CatalogContracts
import OmniMessaging
import OmniRuntime

/// Every command the catalog handles on `catalog.commands`.
enum CatalogHandlers {
    static func all(reservations: ReservationPolicy = .init()) -> EventHandlers {
        var handlers = EventHandlers()
        handlers.command(CatalogType.upsertProduct, as: UpsertProduct.self, service: .catalog, ProductHandlers.upsertProduct)
        handlers.command(CatalogType.setPrice, as: SetPrice.self, service: .catalog, ProductHandlers.setPrice)
        handlers.command(CatalogType.upsertLocation, as: UpsertLocation.self, service: .catalog, ProductHandlers.upsertLocation)
        handlers.command(CatalogType.receiveStock, as: ReceiveStock.self, service: .catalog, StockHandlers.receive)
        handlers.command(CatalogType.adjustStock, as: AdjustStock.self, service: .catalog, StockHandlers.adjust)
        handlers.command(CatalogType.transferStock, as: TransferStock.self, service: .catalog, StockHandlers.transfer)
        handlers.command(CatalogType.receiveTransfer, as: ReceiveTransfer.self, service: .catalog, TransferHandlers.receive)
        handlers.command(CatalogType.recordPosSale, as: RecordPosSale.self, service: .catalog, StockHandlers.posSale)
        handlers.command(CatalogType.restockReturn, as: RestockReturn.self, service: .catalog, StockHandlers.restockReturn)
        handlers.command(CatalogType.setSafetyStock, as: SetSafetyStock.self, service: .catalog, StockHandlers.setSafetyStock)
        handlers.command(CatalogType.reserveStock, as: ReserveStock.self, service: .catalog) { command, context in
            try await ReservationHandlers.reserve(command, context, policy: reservations)
        }
        handlers.command(CatalogType.releaseReservation, as: ReleaseReservation.self, service: .catalog, ReservationHandlers.release)
        handlers.command(CatalogType.commitReservation, as: CommitReservation.self, service: .catalog, ReservationHandlers.commit)
        return handlers
    }
}
