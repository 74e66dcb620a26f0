import OrdersCore
import Testing

@Suite("Order saga: decisions for every reply, including late and duplicated ones")
struct OrderSagaTests {
    @Test("Happy path: stock reserved → promotions applied → confirmed, redemptions committed")
    func happyPath() {
        let first = OrderSaga.decide(step: .reservingStock, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(first == SagaDecision(step: .applyingPromotions, outcome: nil, commands: [.applyPromotions]))
        let second = OrderSaga.decide(step: .applyingPromotions, status: .placed, reply: .promotionsApplied)
        #expect(second == SagaDecision(step: .done, outcome: .confirm, commands: [.commitRedemptions]))
    }

    @Test("No stock: rejected with the catalog's reason, nothing to compensate")
    func noStock() {
        let decision = OrderSaga.decide(step: .reservingStock, status: .placed,
                                        reply: .stockRefused(code: "insufficient-stock", message: "m", details: ["SKU: 2 requested, 1 available"]))
        #expect(decision.outcome == .reject(code: "insufficient-stock", message: "m", details: ["SKU: 2 requested, 1 available"]))
        #expect(decision.commands.isEmpty)
    }

    @Test("A refused code: rejected, and the stock already held is released")
    func refusedCode() {
        let decision = OrderSaga.decide(step: .applyingPromotions, status: .placed,
                                        reply: .promotionsRefused(code: "limit-reached", message: "m", details: []))
        #expect(decision.outcome == .reject(code: "limit-reached", message: "m", details: []))
        #expect(decision.commands == [.releaseStock(reason: "order-rejected")])
    }

    @Test("Timeouts compensate whatever may have been taken")
    func timeouts() {
        let waitingStock = OrderSaga.decide(step: .reservingStock, status: .placed, reply: .timedOut)
        #expect(waitingStock.step == .done)
        #expect(waitingStock.commands == [.releaseStock(reason: "saga-timeout")])
        let waitingPromotions = OrderSaga.decide(step: .applyingPromotions, status: .placed, reply: .timedOut)
        #expect(waitingPromotions.commands == [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
        if case .reject(let code, _, _) = waitingPromotions.outcome { #expect(code == "timeout") } else { Issue.record("not rejected") }
    }

    @Test("A reply after the order was rejected or cancelled gives back what it holds")
    func lateReplies() {
        #expect(OrderSaga.decide(step: .done, status: .rejected, reply: .stockReserved(reservationId: "r")).commands
                == [.releaseStock(reason: "order-rejected")])
        #expect(OrderSaga.decide(step: .done, status: .cancelled, reply: .promotionsApplied).commands
                == [.releaseRedemptions(reason: "order-cancelled")])
    }

    @Test("A duplicated reply changes nothing")
    func duplicates() {
        let again = OrderSaga.decide(step: .applyingPromotions, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(again == SagaDecision(step: .applyingPromotions, outcome: nil, commands: []))
        let afterConfirm = OrderSaga.decide(step: .done, status: .confirmed, reply: .promotionsApplied)
        #expect(afterConfirm == SagaDecision(step: .done, outcome: nil, commands: []))
        let lateTimeout = OrderSaga.decide(step: .done, status: .confirmed, reply: .timedOut)
        #expect(lateTimeout.outcome == nil && lateTimeout.commands.isEmpty)
    }
}
