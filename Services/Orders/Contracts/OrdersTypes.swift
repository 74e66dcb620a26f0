/// The `ce_type` of every command the orders service accepts on `orders.commands` and every
/// event it publishes on `orders.events`.
public enum OrdersType {
    // Cart commands (key: the cart owner, a customer id or an anonymous session id).
    public static let addCartItem = "omni.orders.AddCartItem.v1"
    public static let setCartItemQuantity = "omni.orders.SetCartItemQuantity.v1"
    public static let removeCartItem = "omni.orders.RemoveCartItem.v1"
    /// Login: the anonymous session's cart joins the customer's.
    public static let attachCart = "omni.orders.AttachCart.v1"

    // Order commands (key: the order id, chosen by the channel).
    public static let placeOrder = "omni.orders.PlaceOrder.v1"
    public static let holdStock = "omni.orders.HoldStock.v1"
    public static let markReadyForPickup = "omni.orders.MarkReadyForPickup.v1"
    public static let confirmPickup = "omni.orders.ConfirmPickup.v1"
    public static let shipOrder = "omni.orders.ShipOrder.v1"
    public static let confirmDelivery = "omni.orders.ConfirmDelivery.v1"
    public static let cancelOrder = "omni.orders.CancelOrder.v1"
    /// Goods come back (any channel, any store): partial lines, refunded with the order's discounts.
    public static let returnItems = "omni.orders.ReturnItems.v1"
    /// B2B quotes (key: the quote id).
    public static let createQuote = "omni.orders.CreateQuote.v1"
    public static let convertQuote = "omni.orders.ConvertQuote.v1"

    // Events.
    public static let cartUpdated = "omni.orders.CartUpdated.v1"
    public static let cartsMerged = "omni.orders.CartsMerged.v1"
    public static let stockHoldRequested = "omni.orders.StockHoldRequested.v1"
    /// A cart with lines left untouched for `OMNI_ORDERS_CART_ABANDONED_AFTER_SECONDS`.
    public static let cartAbandoned = "omni.orders.CartAbandoned.v1"
    public static let orderConfirmed = "omni.orders.OrderConfirmed.v1"
    public static let orderRejected = "omni.orders.OrderRejected.v1"
    public static let orderReadyForPickup = "omni.orders.OrderReadyForPickup.v1"
    public static let orderPickedUp = "omni.orders.OrderPickedUp.v1"
    public static let orderShipped = "omni.orders.OrderShipped.v1"
    public static let orderDelivered = "omni.orders.OrderDelivered.v1"
    public static let orderCancelled = "omni.orders.OrderCancelled.v1"
    /// Bought at the till and taken away: a completed purchase (loyalty earns on it).
    public static let orderCompleted = "omni.orders.OrderCompleted.v1"
    public static let itemsReturned = "omni.orders.ItemsReturned.v1"
    public static let quoteIssued = "omni.orders.QuoteIssued.v1"
    public static let quoteConverted = "omni.orders.QuoteConverted.v1"
    public static let quoteExpired = "omni.orders.QuoteExpired.v1"
    public static let commandRejected = "omni.orders.CommandRejected.v1"
}
