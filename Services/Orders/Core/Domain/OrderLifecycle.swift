import OrdersContracts

/// Where an order stands. The saga runs while it is `placed`; after that the store,
/// the warehouse and the carrier move it along.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case placed
    case confirmed
    case readyForPickup = "ready-for-pickup"
    case pickedUp = "picked-up"
    case shipped
    case delivered
    /// Bought at the till and taken away.
    case completed
    /// Every unit came back.
    case returned
    case cancelled
    case rejected

    public var isClosed: Bool { [.pickedUp, .delivered, .completed, .returned, .cancelled, .rejected].contains(self) }

    /// The customer has the goods: what can be returned.
    public var isInCustomersHands: Bool { [.pickedUp, .delivered, .completed].contains(self) }
}

/// What can happen to an order.
public enum OrderAction: String, Sendable, CaseIterable {
    case confirm, reject, markReadyForPickup, pickUp, ship, deliver, complete, cancel
    /// The last units came back (partial returns leave the status alone).
    case returnAll
}

/// A move the lifecycle refuses, with the reason code a channel gets.
public struct LifecycleRefusal: Error, Equatable, Sendable {
    public var code: String
    public var message: String
}

/// The order lifecycle as an explicit state machine (docs/services/orders.md):
/// placed → confirmed → shipped → delivered, or confirmed → ready for pickup → picked up;
/// confirmed → completed for a purchase at the till; picked up, delivered or completed →
/// returned once every unit came back; placed → rejected; cancelled from placed,
/// confirmed or ready for pickup.
public enum OrderLifecycle {
    public static func next(from status: OrderStatus, _ action: OrderAction, mode: OrderFulfilment.Mode) -> Result<OrderStatus, LifecycleRefusal> {
        func refuse(_ code: String, _ message: String) -> Result<OrderStatus, LifecycleRefusal> {
            .failure(LifecycleRefusal(code: code, message: message))
        }
        switch (status, action) {
        case (.placed, .confirm): return .success(.confirmed)
        case (.placed, .reject): return .success(.rejected)
        case (.confirmed, .markReadyForPickup):
            return mode == .pickup ? .success(.readyForPickup) : refuse("not-click-and-collect", "only a click & collect order can be made ready for pickup")
        case (.readyForPickup, .pickUp): return .success(.pickedUp)
        case (.confirmed, .ship):
            return mode == .delivery ? .success(.shipped) : refuse("not-delivery", "only a home delivery order is shipped")
        case (.confirmed, .complete):
            return mode == .inStore ? .success(.completed) : refuse("not-in-store", "only a purchase at the till completes at once")
        case (_, .returnAll):
            return status.isInCustomersHands ? .success(.returned) : refuse("not-returnable", "an order that is \(status.rawValue) cannot be returned")
        case (.shipped, .deliver): return .success(.delivered)
        case (.placed, .cancel), (.confirmed, .cancel), (.readyForPickup, .cancel): return .success(.cancelled)
        case (.pickedUp, .cancel): return refuse("already-picked-up", "the order was picked up; return it instead")
        case (.shipped, .cancel), (.delivered, .cancel): return refuse("already-shipped", "the order has left the warehouse; return it instead")
        case (.completed, .cancel): return refuse("already-completed", "the order was paid and taken at the till; return it instead")
        case (.returned, _): return refuse("order-returned", "the order was returned")
        case (.cancelled, _): return refuse("order-cancelled", "the order is cancelled")
        case (.rejected, _): return refuse("order-rejected", "the order was rejected")
        case (.placed, _): return refuse("order-not-confirmed", "the order is still being placed")
        default: return refuse("invalid-transition", "an order that is \(status.rawValue) cannot \(action.rawValue)")
        }
    }

    /// Whether the order holds stock that a cancellation must release.
    public static func holdsReservation(_ status: OrderStatus) -> Bool {
        [.placed, .confirmed, .readyForPickup].contains(status)
    }
}
