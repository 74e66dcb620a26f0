import Foundation
import OmniMessaging

/// The orders service's tunables (docs/services/orders.md), from the environment.
struct OrdersPolicy: Sendable {
    /// How long a saga step waits for a participant before the order is rejected.
    var stepTimeout: Duration = .seconds(30)
    /// How long the catalog holds an order's stock (until it is shipped or picked up).
    var reservationHoldSeconds = 14 * 24 * 3600
    /// How long a click & collect order waits at the store before it is cancelled.
    var collectWithin: Duration = .seconds(7 * 24 * 3600)
    /// How long a cart with lines sits untouched before `CartAbandoned` goes out.
    var cartAbandonedAfter: Duration = .seconds(3_600)
    /// The longest a hold that is not an order lasts (a cart held in store, an associate's).
    var holdAtMostSeconds = 2 * 3600
    /// How often the saga timer looks for overdue steps and uncollected orders.
    var timerInterval: Duration = .seconds(1)

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OrdersPolicy {
        var policy = OrdersPolicy()
        if let text = environment["OMNI_ORDERS_SAGA_TIMEOUT_SECONDS"], let seconds = Double(text), seconds > 0 {
            policy.stepTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let text = environment["OMNI_ORDERS_COLLECT_WITHIN_SECONDS"], let seconds = Double(text), seconds > 0 {
            policy.collectWithin = .milliseconds(Int64(seconds * 1000))
        }
        if let text = environment["OMNI_ORDERS_RESERVATION_HOLD_SECONDS"], let seconds = Int(text), seconds > 0 {
            policy.reservationHoldSeconds = seconds
        }
        if let text = environment["OMNI_ORDERS_CART_ABANDONED_AFTER_SECONDS"], let seconds = Double(text), seconds > 0 {
            policy.cartAbandonedAfter = .milliseconds(Int64(seconds * 1000))
        }
        if let text = environment["OMNI_ORDERS_HOLD_MAX_SECONDS"], let seconds = Int(text), seconds > 0 {
            policy.holdAtMostSeconds = min(seconds, 30 * 86_400)
        }
        return policy
    }

    func deadline(from now: Date = Date()) -> Date { now.addingTimeInterval(stepTimeout.seconds) }
}
