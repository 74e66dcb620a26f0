import OrdersCore
import Testing

@Suite("Order saga: decisions for every reply, including late and duplicated ones")
struct OrderSagaTests {
    @Test("Happy path, stock answering first: both asked at once → stock reserved → promotions applied → confirmed")
    func happyPathStockFirst() {
        let first = OrderSaga.decide(step: .reservingAndApplying, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(first == SagaDecision(step: .applyingPromotions, outcome: nil, commands: []))
        let second = OrderSaga.decide(step: first.step, status: .placed, reply: .promotionsApplied)
        #expect(second == SagaDecision(step: .done, outcome: .confirm, commands: []))
    }

    @Test("Happy path, promotions answering first: confirmed once the stock is reserved")
    func happyPathPromotionsFirst() {
        let first = OrderSaga.decide(step: .reservingAndApplying, status: .placed, reply: .promotionsApplied)
        #expect(first == SagaDecision(step: .awaitingStock, outcome: nil, commands: []))
        let second = OrderSaga.decide(step: first.step, status: .placed, reply: .stockReserved(reservationId: "r"))
        #expect(second == SagaDecision(step: .done, outcome: .confirm, commands: []))
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

@Suite("Order saga: an order that spends loyalty points")
struct OrderSagaPointsTests {
    @Test("Stock and promotions held, then the points asked; held → confirmed (promotions commits its uses on the confirmation)")
    func pointsHeld() {
        for (step, reply) in [(SagaStep.awaitingStock, SagaReply.stockReserved(reservationId: "r")), (.applyingPromotions, .promotionsApplied)] {
            let asked = OrderSaga.decide(step: step, status: .placed, reply: reply, spendsPoints: true)
            #expect(asked == SagaDecision(step: .holdingPoints, outcome: nil, commands: [.holdPoints]))
        }
        let held = OrderSaga.decide(step: .holdingPoints, status: .placed, reply: .pointsHeld, spendsPoints: true)
        #expect(held == SagaDecision(step: .done, outcome: .confirm, commands: []))
    }

    @Test("Points refused (balance short) or not answered: rejected with the reason, stock and promotions given back")
    func pointsRefusedOrLate() {
        let refused = OrderSaga.decide(step: .holdingPoints, status: .placed, reply: .pointsRefused(code: "insufficient-points", message: "m"), spendsPoints: true)
        #expect(refused == SagaDecision(step: .done, outcome: .reject(code: "insufficient-points", message: "m", details: []),
                                        commands: [.releaseStock(reason: "order-rejected"), .releaseRedemptions(reason: "order-rejected")]))
        let late = OrderSaga.decide(step: .holdingPoints, status: .placed, reply: .timedOut, spendsPoints: true)
        #expect(late.outcome == .reject(code: "timeout", message: "the loyalty points could not be confirmed in time", details: []))
        #expect(late.commands == [.releaseStock(reason: "saga-timeout"), .releaseRedemptions(reason: "saga-timeout")])
        // Points held after the order was rejected: customers releases them on the rejection.
        #expect(OrderSaga.decide(step: .done, status: .rejected, reply: .pointsHeld, spendsPoints: true).commands.isEmpty)
    }

    @Test("An order without points is confirmed at the last answer, as before")
    func noPoints() {
        #expect(OrderSaga.decide(step: .awaitingStock, status: .placed, reply: .stockReserved(reservationId: "r")).outcome == .confirm)
    }
}

@Suite("Returns of an order paid partly with points")
struct ReturnLoyaltyShareTests {
    @Test("each return gives back its share of the points and takes its share of their value off the money; all of it in the end, whatever the steps")
    func shares() {
        // 300 points paid 3.00 of a 100.00 order: returned as 33.33, 33.33, then the rest.
        let steps: [Int64] = [0, 3_333, 6_666, 10_000]
        var points = 0, value: Int64 = 0
        for (before, after) in zip(steps, steps.dropFirst()) {
            let share = ReturnPlan.loyaltyShare(points: 300, valueMinor: 300, orderValue: 10_000, valueBefore: before, valueAfter: after)
            #expect((99...101).contains(share.points) && (99...101).contains(share.valueMinor), "\(share)")
            points += share.points
            value += share.valueMinor
        }
        #expect(points == 300 && value == 300)
        let none = ReturnPlan.loyaltyShare(points: 0, valueMinor: 0, orderValue: 10_000, valueBefore: 0, valueAfter: 10_000)
        #expect(none.points == 0 && none.valueMinor == 0)
        let extreme = ReturnPlan.loyaltyShare(points: Int(Int32.max), valueMinor: .max, orderValue: .max, valueBefore: 0, valueAfter: .max)
        #expect(extreme.points == Int(Int32.max) && extreme.valueMinor == .max, "no overflow at the extremes")
    }
}
