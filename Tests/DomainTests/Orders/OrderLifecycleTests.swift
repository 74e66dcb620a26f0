import OrdersContracts
import OrdersCore
import Testing

@Suite("Order lifecycle: the explicit state machine")
struct OrderLifecycleTests {
    func walk(_ mode: OrderFulfilment.Mode, _ actions: [OrderAction]) -> Result<OrderStatus, LifecycleRefusal> {
        var status = OrderStatus.placed
        for action in actions {
            switch OrderLifecycle.next(from: status, action, mode: mode) {
            case .success(let next): status = next
            case .failure(let refusal): return .failure(refusal)
            }
        }
        return .success(status)
    }

    @Test("Delivery: placed → confirmed → shipped → delivered")
    func delivery() {
        #expect(walk(.delivery, [.confirm, .ship, .deliver]) == .success(.delivered))
    }

    @Test("Click & collect: placed → confirmed → ready for pickup → picked up")
    func clickAndCollect() {
        #expect(walk(.pickup, [.confirm, .markReadyForPickup, .pickUp]) == .success(.pickedUp))
    }

    @Test("At the till: placed → confirmed → completed; only there; then returned, never cancelled")
    func inStore() {
        #expect(walk(.inStore, [.confirm, .complete]) == .success(.completed))
        #expect(walk(.delivery, [.confirm, .complete]).refusalCode == "not-in-store")
        #expect(walk(.inStore, [.confirm, .complete, .cancel]).refusalCode == "already-completed")
        #expect(walk(.inStore, [.confirm, .complete, .returnAll]) == .success(.returned))
    }

    @Test("Only goods in the customer's hands come back; a returned order moves no more")
    func returns() {
        #expect(walk(.delivery, [.confirm, .ship, .deliver, .returnAll]) == .success(.returned))
        #expect(walk(.pickup, [.confirm, .markReadyForPickup, .pickUp, .returnAll]) == .success(.returned))
        #expect(walk(.delivery, [.confirm, .returnAll]).refusalCode == "not-returnable")
        #expect(walk(.delivery, [.confirm, .ship, .deliver, .returnAll, .cancel]).refusalCode == "order-returned")
    }

    @Test("A click & collect order is not shipped, a delivery is not made ready for pickup")
    func wrongFulfilment() {
        #expect(walk(.pickup, [.confirm, .ship]).refusalCode == "not-delivery")
        #expect(walk(.delivery, [.confirm, .markReadyForPickup]).refusalCode == "not-click-and-collect")
    }

    @Test("Cancelling: allowed until the goods leave; refused with a reason after")
    func cancelling() {
        #expect(walk(.pickup, [.cancel]) == .success(.cancelled))
        #expect(walk(.pickup, [.confirm, .cancel]) == .success(.cancelled))
        #expect(walk(.pickup, [.confirm, .markReadyForPickup, .cancel]) == .success(.cancelled))
        #expect(walk(.pickup, [.confirm, .markReadyForPickup, .pickUp, .cancel]).refusalCode == "already-picked-up")
        #expect(walk(.delivery, [.confirm, .ship, .cancel]).refusalCode == "already-shipped")
        #expect(walk(.delivery, [.confirm, .cancel, .cancel]).refusalCode == "order-cancelled")
    }

    @Test("Nothing moves a rejected order, and a placed order waits for its saga")
    func closedAndPending() {
        #expect(walk(.delivery, [.reject, .confirm]).refusalCode == "order-rejected")
        #expect(walk(.delivery, [.ship]).refusalCode == "order-not-confirmed")
        #expect(walk(.pickup, [.markReadyForPickup]).refusalCode == "order-not-confirmed")
    }

    @Test("Every status answers every action, with a new status or a reason")
    func total() {
        for status in OrderStatus.allCases {
            for action in OrderAction.allCases {
                for mode in OrderFulfilment.Mode.allCases {
                    switch OrderLifecycle.next(from: status, action, mode: mode) {
                    case .success(let next): #expect(next != status)
                    case .failure(let refusal): #expect(!refusal.code.isEmpty && !refusal.message.isEmpty)
                    }
                }
            }
        }
    }
}

extension Result where Failure == LifecycleRefusal {
    var refusalCode: String? {
        if case .failure(let refusal) = self { return refusal.code }
        return nil
    }
}
