import CatalogContracts
import CustomersContracts
import NotificationsContracts
import OmniAuth
import OmniMessaging
import OrdersContracts
import PromotionsContracts

/// The commands channels may send through the edge, by `ce_type`, with the scope each
/// needs (docs/security.md). The saga's own steps (`ReserveStock`, `ReleaseReservation`,
/// `CommitReservation`, `ApplyPromotions`, `CommitRedemptions`, `ReleaseRedemptions`) are
/// not here: only the orders service sends them.
enum CommandCatalog {
    static let byType: [String: EdgeCommand] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    static var all: [EdgeCommand] { catalog + customers + orders + promotions + notifications }

    /// What ends an order: confirmed (or completed at the till), or rejected by the saga.
    private static let orderOutcome = [OrdersType.orderConfirmed, OrdersType.orderCompleted, OrdersType.orderRejected]

    private static func reference(_ reference: CustomerReference) -> String {
        reference.customerId ?? reference.identifier?.value ?? ""
    }

    static let catalog: [EdgeCommand] = [
        .make(CatalogType.upsertProduct, as: UpsertProduct.self, .catalog, scope: .catalogWrite) { $0.sku },
        .make(CatalogType.setPrice, as: SetPrice.self, .catalog, scope: .catalogWrite) { $0.sku },
        .make(CatalogType.upsertLocation, as: UpsertLocation.self, .catalog, scope: .catalogWrite) { $0.locationId },
        .make(CatalogType.receiveStock, as: ReceiveStock.self, .catalog, scope: .stockWrite, storeField: "locationId") { $0.sku },
        .make(CatalogType.adjustStock, as: AdjustStock.self, .catalog, scope: .stockWrite, storeField: "locationId") { $0.sku },
        .make(CatalogType.transferStock, as: TransferStock.self, .catalog, scope: .stockWrite, storeField: "fromLocationId") { $0.sku },
        .make(CatalogType.receiveTransfer, as: ReceiveTransfer.self, .catalog, scope: .stockWrite, storeField: "locationId") { $0.sku },
        .make(CatalogType.setSafetyStock, as: SetSafetyStock.self, .catalog, scope: .stockWrite, storeField: "locationId") { $0.sku },
        .make(CatalogType.restockReturn, as: RestockReturn.self, .catalog, scope: .stockWrite, storeField: "locationId") { $0.returnId },
        // A till sale: only a till (or an associate's tablet) of the store it names.
        .make(CatalogType.recordPosSale, as: RecordPosSale.self, .catalog, scope: .ordersWrite, senders: .channels(["pos", "tablet"]),
              storeField: "storeId") { $0.saleId },
    ]

    static let customers: [EdgeCommand] = [
        .make(CustomersType.registerCustomer, as: RegisterCustomer.self, .customers, scope: .customersWrite) { $0.identifiers.first?.value ?? "" },
        .make(CustomersType.updateProfile, as: UpdateProfile.self, .customers, scope: .customersWrite) { reference($0.customer) },
        .make(CustomersType.linkIdentifier, as: LinkIdentifier.self, .customers, scope: .customersWrite) { reference($0.customer) },
        .make(CustomersType.recordConsent, as: RecordConsent.self, .customers, scope: .customersWrite, channelField: "channel") { reference($0.customer) },
        .make(CustomersType.setContactPreferences, as: SetContactPreferences.self, .customers, scope: .customersWrite) { reference($0.customer) },
        .make(CustomersType.redeemLoyalty, as: RedeemLoyalty.self, .customers, scope: .customersWrite) { reference($0.customer) },
        // Goodwill points: a person decides them.
        .make(CustomersType.adjustLoyalty, as: AdjustLoyalty.self, .customers, scope: .customersWrite, senders: .staff) { reference($0.customer) },
        .make(CustomersType.eraseCustomer, as: EraseCustomer.self, .customers, scope: .customersErase, senders: .staff) { reference($0.customer) },
        .make(CustomersType.submitLead, as: SubmitLead.self, .customers, scope: .leadsWrite) { $0.leadId },
        .make(CustomersType.recordLeadVisit, as: RecordLeadVisit.self, .customers, scope: .leadsWrite) { $0.leadId },
        // A lead's steps and its hands: the people who work it decide them.
        .make(CustomersType.advanceLead, as: AdvanceLead.self, .customers, scope: .leadsWrite, senders: .staff) { $0.leadId },
        .make(CustomersType.reassignLead, as: ReassignLead.self, .customers, scope: .leadsWrite, senders: .staff) { $0.leadId },
        .make(CustomersType.setLeadRules, as: SetLeadRules.self, .customers, scope: .leadsWrite, senders: .staff) { _ in "lead-rules" },
        .make(CustomersType.defineSegment, as: DefineSegment.self, .customers, scope: .promotionsWrite, senders: .staff) { $0.segmentId },
        .make(CustomersType.interactionRecorded, as: InteractionRecorded.self, .customers, topic: Topics.channelInteractions,
              scope: .interactionsWrite) { $0.identifier.value },
    ]

    static let orders: [EdgeCommand] = [
        .make(OrdersType.addCartItem, as: AddCartItem.self, .orders, scope: .ordersWrite) { $0.ownerId },
        .make(OrdersType.setCartItemQuantity, as: SetCartItemQuantity.self, .orders, scope: .ordersWrite) { $0.ownerId },
        .make(OrdersType.removeCartItem, as: RemoveCartItem.self, .orders, scope: .ordersWrite) { $0.ownerId },
        .make(OrdersType.attachCart, as: AttachCart.self, .orders, scope: .ordersWrite) { $0.customerId },
        .make(OrdersType.holdStock, as: HoldStock.self, .orders, scope: .ordersWrite) { $0.holdId },
        .make(OrdersType.placeOrder, as: PlaceOrder.self, .orders, scope: .ordersWrite, channelField: "channel", storeField: "storeId",
              awaits: orderOutcome, rejects: [OrdersType.orderRejected]) { $0.orderId },
        .make(OrdersType.cancelOrder, as: CancelOrder.self, .orders, scope: .ordersWrite) { $0.orderId },
        .make(OrdersType.returnItems, as: ReturnItems.self, .orders, scope: .ordersWrite, storeField: "locationId") { $0.orderId },
        .make(OrdersType.createQuote, as: CreateQuote.self, .orders, scope: .ordersWrite, channelField: "channel") { $0.quoteId },
        .make(OrdersType.convertQuote, as: ConvertQuote.self, .orders, scope: .ordersWrite, channelField: "channel",
              awaits: orderOutcome, rejects: [OrdersType.orderRejected]) { $0.orderId },
        // Store work (click & collect desk) and fulfilment: people and the store's own devices.
        .make(OrdersType.markReadyForPickup, as: OrderStep.self, .orders, scope: .ordersWrite, senders: .channels(["pos", "tablet"])) { $0.orderId },
        .make(OrdersType.confirmPickup, as: OrderStep.self, .orders, scope: .ordersWrite, senders: .channels(["pos", "tablet"])) { $0.orderId },
        .make(OrdersType.shipOrder, as: OrderStep.self, .orders, scope: .ordersWrite, senders: .staff) { $0.orderId },
        .make(OrdersType.confirmDelivery, as: OrderStep.self, .orders, scope: .ordersWrite, senders: .staff) { $0.orderId },
    ]

    static let promotions: [EdgeCommand] = [
        .make(PromotionsType.upsertPromotion, as: Promotion.self, .promotions, scope: .promotionsWrite) { $0.promotionId },
        .make(PromotionsType.generateCodes, as: GenerateCodes.self, .promotions, scope: .promotionsWrite) { $0.promotionId },
    ]

    static let notifications: [EdgeCommand] = [
        .make(NotificationsType.sendNotification, as: SendNotification.self, .notifications, scope: .notificationsWrite, senders: .staff) { $0.campaignId },
        .make(NotificationsType.subscribeBackInStock, as: SubscribeBackInStock.self, .notifications, scope: .customersWrite,
              channelField: "channel") { $0.customerId },
        .make(NotificationsType.setAssigneeContact, as: SetAssigneeContact.self, .notifications, scope: .leadsWrite, senders: .staff) { $0.id },
    ]
}
