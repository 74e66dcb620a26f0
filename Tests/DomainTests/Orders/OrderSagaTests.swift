import OrdersCore
import Testing

@Suite("Order saga: decisions for every reply, including late and duplicated ones")
struct OrderSagaTests {
    @Test("Happy path, stock answering first: both asked at once → stock reserved → promotions applied → confirmed")
    func happyPathStockFirst() {
        let first = OrderSaga.decide(step: .reservingAndApplying, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(first == SagaDecision(step: .applyingPromotions, outcome: nil, commands: []))
        let second = OrderSaga.decide(step: first.step, status: .placed, reply: .promotionsApplied)
        #expect(second == SagaDecision(step: .done, outcome: .confirm, commands: [.commitRedemptions]))
    }

    @Test("Happy path, promotions answering first: confirmed once the stock is reserved")
    func happyPathPromotionsFirst() {
        let first = OrderSaga.decide(step: .reservingAndApplying, status: .placed, reply: .promotionsApplied)
        #expect(first == SagaDecision(step: .awaitingStock, outcome: nil, commands: []))
        let second = OrderSaga.decide(step: first.step, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(second == SagaDecision(step: .done, outcome: .confirm, commands: [.commitRedemptions]))
    }

    @Test("An order placed before both were asked at once: promotions asked once the stock is held")
    func placedBeforeParallelSteps() {
        let first = OrderSaga.decide(step: .reservingStock, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(first == SagaDecision(step: .applyingPromotions, outcome: nil, commands: [.applyPromotions]))
        let refused = OrderSaga.decide(step: .reservingStock, status: .placed, reply: .stockRefused(code: "insufficient-stock", message: "m", details: []))
        #expect(refused.outcome == .reject(code: "insufficient-stock", message: "m", details: []))
        #expect(refused.commands.isEmpty)
        #expect(OrderSaga.decide(step: .reservingStock, status: .placed, reply: .timedOut).commands == [.releaseStock(reason: "saga-timeout")])
    }

    @Test("No stock: rejected with the catalog's reason, and what promotions hold (or will) is released")
    func noStock() {
        for step in [SagaStep.reservingAndApplying, .awaitingStock] {
            let decision = OrderSaga.decide(step: step, status: .placed,
                                            reply: .stockRefused(code: "insufficient-stock", message: "m", details: ["SKU: 2 requested, 1 available"]))
            #expect(decision.step == .done)
            #expect(decision.outcome == .reject(code: "insufficient-stock", message: "m", details: ["SKU: 2 requested, 1 available"]))
            #expect(decision.commands == [.releaseRedemptions(reason: "order-rejected")])
        }
    }

    @Test("A refused code: rejected, and the stock held (or about to be) is released")
    func refusedCode() {
        for step in [SagaStep.reservingAndApplying, .applyingPromotions] {
            let decision = OrderSaga.decide(step: step, status: .placed,
                                            reply: .promotionsRefused(code: "limit-reached", message: "m", details: []))
            #expect(decision.step == .done)
            #expect(decision.outcome == .reject(code: "limit-reached", message: "m", details: []))
            #expect(decision.commands == [.releaseStock(reason: "order-rejected")])
        }
    }

    @Test("Timeouts compensate whatever may have been taken")
    func timeouts() {
        for step in [SagaStep.reservingAndApplying, .awaitingStock, .applyingPromotions] {
            let decision = OrderSaga.decide(step: step, status: .placed, reply: .timedOut)
            #expect(decision.step == .done)
            #expect(decision.commands == [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
            if case .reject(let code, _, _) = decision.outcome { #expect(code == "timeout") } else { Issue.record("not rejected at \(step)") }
        }
    }

    @Test("A reply after the order was rejected or cancelled gives back what it holds")
    func lateReplies() {
        #expect(OrderSaga.decide(step: .done, status: .rejected, reply: .stockReserved(reservationId: "r")).commands
                == [.releaseStock(reason: "order-rejected")])
        #expect(OrderSaga.decide(step: .done, status: .cancelled, reply: .promotionsApplied).commands
                == [.releaseRedemptions(reason: "order-cancelled")])
        // Rejected for want of stock, then promotions answer: their hold goes back.
        #expect(OrderSaga.decide(step: .done, status: .rejected, reply: .promotionsApplied).commands
                == [.releaseRedemptions(reason: "order-rejected")])
        #expect(OrderSaga.decide(step: .done, status: .rejected, reply: .promotionsRefused(code: "c", message: "m", details: [])).commands.isEmpty)
    }

    @Test("A duplicated reply changes nothing")
    func duplicates() {
        let again = OrderSaga.decide(step: .applyingPromotions, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(again == SagaDecision(step: .applyingPromotions, outcome: nil, commands: []))
        let appliedAgain = OrderSaga.decide(step: .awaitingStock, status: .placed, reply: .promotionsApplied)
        #expect(appliedAgain == SagaDecision(step: .awaitingStock, outcome: nil, commands: []))
        let afterConfirm = OrderSaga.decide(step: .done, status: .confirmed, reply: .promotionsApplied)
        #expect(afterConfirm == SagaDecision(step: .done, outcome: nil, commands: []))
        let lateTimeout = OrderSaga.decide(step: .done, status: .confirmed, reply: .timedOut)
        #expect(lateTimeout.outcome == nil && lateTimeout.commands.isEmpty)
    }
}
