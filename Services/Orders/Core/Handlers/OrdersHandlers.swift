import CatalogContracts
import CustomersContracts
import OmniMessaging
import OmniRuntime
import OrdersContracts
import PromotionsContracts

/// Every message the orders service handles: its own commands, and the events of the
/// catalog (read model, saga replies), promotions (saga replies) and customers (merges,
/// erasure).
enum OrdersHandlers {
    static func all(policy: OrdersPolicy) -> EventHandlers {
        var handlers = EventHandlers()
        handlers.command(OrdersType.addCartItem, as: AddCartItem.self, service: .orders, CartHandlers.add)
        handlers.command(OrdersType.setCartItemQuantity, as: SetCartItemQuantity.self, service: .orders, CartHandlers.setQuantity)
        handlers.command(OrdersType.removeCartItem, as: RemoveCartItem.self, service: .orders, CartHandlers.remove)
        handlers.command(OrdersType.attachCart, as: AttachCart.self, service: .orders, CartHandlers.attach)
        handlers.command(OrdersType.placeOrder, as: PlaceOrder.self, service: .orders) { command, context in
            try await PlaceOrderHandler.place(command, context, policy: policy)
        }
        handlers.command(OrdersType.holdStock, as: HoldStock.self, service: .orders) { command, context in
            try await HoldHandlers.hold(command, context, policy: policy)
        }
        handlers.command(OrdersType.markReadyForPickup, as: OrderStep.self, service: .orders) { command, context in
            try await LifecycleHandlers.markReadyForPickup(command, context, policy: policy)
        }
        handlers.command(OrdersType.confirmPickup, as: OrderStep.self, service: .orders, LifecycleHandlers.confirmPickup)
        handlers.command(OrdersType.shipOrder, as: OrderStep.self, service: .orders, LifecycleHandlers.ship)
        handlers.command(OrdersType.confirmDelivery, as: OrderStep.self, service: .orders, LifecycleHandlers.confirmDelivery)
        handlers.command(OrdersType.cancelOrder, as: CancelOrder.self, service: .orders, LifecycleHandlers.cancel)
        handlers.command(OrdersType.returnItems, as: ReturnItems.self, service: .orders, ReturnHandlers.returnItems)
        handlers.command(OrdersType.createQuote, as: CreateQuote.self, service: .orders, QuoteHandlers.create)
        handlers.command(OrdersType.convertQuote, as: ConvertQuote.self, service: .orders) { command, context in
            try await QuoteHandlers.convert(command, context, policy: policy)
        }
        handlers.on(PromotionsType.promotionUpserted) { event, context in
            try await QuoteRecords.upsert(try event.decode(PromotionUpserted.self), on: context.connection, logger: context.logger)
        }

        // The catalog: read model and the stock step of the saga.
        handlers.on(CatalogType.productUpserted) { event, context in
            try await CatalogReadModel.upsert(try event.decode(ProductUpserted.self), on: context.connection, logger: context.logger)
        }
        handlers.on(CatalogType.priceChanged) { event, context in
            try await CatalogReadModel.upsert(try event.decode(PriceChanged.self), on: context.connection, logger: context.logger)
        }
        handlers.on(CatalogType.locationUpserted) { event, context in
            try await CatalogReadModel.upsert(try event.decode(LocationUpserted.self), on: context.connection, logger: context.logger)
        }
        handlers.onBatch(CatalogType.stockReserved) { events, context in
            try await SagaHandlers.stockReserved(events, context, policy: policy)
        }
        handlers.on(CatalogType.stockReservationFailed) { event, context in
            try await SagaHandlers.stockReservationFailed(try event.decode(StockReservationFailed.self), event, context, policy: policy)
        }
        handlers.on(CatalogType.commandRejected) { event, context in
            try await SagaHandlers.participantRejected(try event.decode(CommandRejected.self), event, context, policy: policy)
        }

        // Promotions: the discount step of the saga.
        handlers.onBatch(PromotionsType.promotionsApplied) { events, context in
            try await SagaHandlers.promotionsApplied(events, context, policy: policy)
        }
        handlers.on(PromotionsType.promotionsRejected) { event, context in
            try await SagaHandlers.promotionsRejected(try event.decode(PromotionsRejected.self), event, context, policy: policy)
        }
        handlers.on(PromotionsType.commandRejected) { event, context in
            try await SagaHandlers.participantRejected(try event.decode(CommandRejected.self), event, context, policy: policy)
        }

        // Customers: one person, one history; forgotten people leave anonymous orders.
        handlers.on(CustomersType.customersMerged) { event, context in
            try await CustomerEventHandlers.merged(try event.decode(CustomersMerged.self), event, context)
        }
        handlers.on(CustomersType.customerErased) { event, context in
            try await CustomerEventHandlers.erased(try event.decode(CustomerErased.self), context)
        }
        // The points an order spends: held, or refused with a reason.
        handlers.on(CustomersType.loyaltyHeld) { event, context in
            try await SagaHandlers.loyaltyHeld(try event.decode(LoyaltyHeld.self), event, context, policy: policy)
        }
        handlers.on(CustomersType.commandRejected) { event, context in
            let rejected = try event.decode(CommandRejected.self)
            guard rejected.commandType == CustomersType.holdLoyalty else { return }
            try await SagaHandlers.participantRejected(rejected, event, context, policy: policy)
        }
        handlers.on(CustomersType.leadRouted) { event, context in
            try await CustomerEventHandlers.leadRouted(try event.decode(LeadRouted.self), context)
        }
        return handlers
    }
}
