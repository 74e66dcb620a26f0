import CustomersContracts
import Foundation
import OmniMessaging
import OrdersContracts
import PromotionsContracts
import Testing

/// The promotions process on its own, driven as orders and the channels drive it.
@Suite("Promotions: definitions, quotes and redemptions on the real process", .serialized)
struct PromotionsIntegrationTests {
    static let noon = Date(timeIntervalSince1970: 1_790_000_000)

    static func basket(channel: String, customerId: String?, storeId: String? = nil, quantity: Int = 2) -> Basket {
        Basket(channel: channel, storeId: storeId ?? (channel == "pos" ? "st-lille" : nil), customerId: customerId, currency: "EUR",
               lines: [BasketLine(lineId: "1", sku: "SHOE-1", category: "shoes", quantity: quantity, unitPriceMinor: 8_000),
                       BasketLine(lineId: "2", sku: "SOCK-1", category: "socks", quantity: 1, unitPriceMinor: 1_200)],
               shippingMinor: 490, at: noon)
    }

    static let fb15 = Promotion(promotionId: "fb15", name: "FB15", kind: .percentOff, percent: 15, code: "FB15", channels: ["web", "pos", "social"])
    static let secondHalf = Promotion(promotionId: "shoes-2nd", name: "Second pair at −50 %", kind: .nthItemPercentOff, percent: 50, nth: 2,
                                      categories: ["shoes"], priority: 10)

    @Test("Rules are data: malformed ones are refused with a reason, valid ones are versioned and readable")
    func definitions() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        func rejection(_ promotion: Promotion) async throws -> String {
            let outcome = try await stack.perform(PromotionsType.upsertPromotion, promotion, key: promotion.promotionId)
            #expect(outcome.type == PromotionsType.commandRejected)
            let rejected = try outcome.payload(CommandRejected.self)
            #expect(!rejected.message.isEmpty)
            return rejected.reasonCode
        }
        #expect(try await rejection(Promotion(promotionId: "big", name: "Too big", kind: .percentOff, percent: 150)) == "invalid-promotion")
        #expect(try await rejection(Promotion(promotionId: "void", name: "Empty window", kind: .freeShipping, validFrom: Self.noon, validTo: Self.noon))
            == "invalid-promotion")
        #expect(try await rejection(Promotion(promotionId: "fax", name: "Fax", kind: .freeShipping, channels: ["fax"])) == "unknown-channel")

        let first = try await stack.perform(PromotionsType.upsertPromotion, Self.fb15, key: "fb15")
        #expect(try first.payload(PromotionUpserted.self).version == 1)
        var changed = Self.fb15
        changed.percent = 20
        let second = try await stack.perform(PromotionsType.upsertPromotion, changed, key: "fb15")
        #expect(try second.payload(PromotionUpserted.self) == PromotionUpserted(promotion: changed, version: 2))
        #expect(try await rejection(Promotion(promotionId: "copy", name: "Copy", kind: .percentOff, percent: 5, code: "fb15")) == "code-taken")

        struct View: Decodable { var promotion: Promotion; var version: Int; var uses: Int? }
        let view: View = try await stack.getJSON("/promotions/fb15")
        #expect(view.promotion.percent == 20 && view.version == 2 && view.uses == 0)
        struct List: Decodable { var promotions: [View] }
        let list: List = try await stack.getJSON("/promotions")
        #expect(list.promotions.map(\.promotion.promotionId) == ["fb15"])
        for (path, status) in [("/promotions/none", 404), ("/promotions?limit=0", 400)] {
            let (code, body) = try await stack.http.get(path)
            #expect(code == status && body.contains("\"status\":\(status)"), "\(path): \(body)")
        }
    }

    @Test("J3: a quote on the POS gives the numbers the order saga will give, and holds nothing")
    func quoteMatchesSaga() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        for promotion in [Self.fb15, Self.secondHalf] {
            #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: promotion.promotionId).type == PromotionsType.promotionUpserted)
        }
        struct Quote: Decodable { var pricing: Pricing; var rejections: [CodeRejection] }
        func quote(_ basket: Basket, codes: [String]) async throws -> Quote {
            let body = try JSONCoding.encoder.encode(["basket": AnyEncodable(basket), "codes": AnyEncodable(codes)])
            let (status, _, text) = try await stack.http.post("/quotes", json: body)
            #expect(status == 200, "\(text)")
            return try JSONCoding.decoder.decode(Quote.self, from: Data(text.utf8))
        }
        let basket = Self.basket(channel: "pos", customerId: "c-\(UUID().uuidString.prefix(6))")
        let atTheTill = try await quote(basket, codes: ["fb15"])
        #expect(atTheTill.rejections.isEmpty)
        #expect(atTheTill.pricing.applied.map(\.promotionId) == ["shoes-2nd", "fb15"])
        // Second pair: 4,000 off; then 15 % of what is left (12,000 of shoes, 1,200 of socks).
        #expect(atTheTill.pricing.lines.map(\.discountMinor) == [4_000 + 1_800, 180])
        #expect(try await quote(basket, codes: ["fb15"]).pricing == atTheTill.pricing, "a quote is deterministic")

        var inTheApp = basket
        inTheApp.channel = "app"
        inTheApp.storeId = nil
        let refused = try await quote(inTheApp, codes: ["FB15", "NOPE"])
        #expect(Set(refused.rejections.map(\.reasonCode)) == ["not-valid-on-channel", "unknown-code"])

        struct View: Decodable { var uses: Int? }
        #expect(try await stack.getJSON("/promotions/fb15", as: View.self).uses == 0, "quotes hold nothing")

        let orderId = "ord-\(UUID().uuidString.prefix(8))"
        let applied = try await stack.perform(PromotionsType.applyPromotions, ApplyPromotions(orderId: orderId, basket: basket, codes: ["FB15"]), key: orderId)
        #expect(applied.type == PromotionsType.promotionsApplied)
        #expect(try applied.payload(PromotionsApplied.self).pricing == atTheTill.pricing, "the saga prices as the quote did")
        #expect(try await stack.getJSON("/promotions/fb15", as: View.self).uses == 1)

        // Bad baskets: problem+json, 400.
        for body in [#"{"basket": 1}"#, #"{"basket": {"channel": "fax", "currency": "EUR", "lines": [], "shippingMinor": 0}}"#,
                     #"{"basket": {"channel": "web", "currency": "EUR", "lines": [{"lineId": "1", "sku": "A", "quantity": 0, "unitPriceMinor": 5}], "shippingMinor": 0}}"#] {
            let (status, type, text) = try await stack.http.post("/quotes", json: Data(body.utf8))
            #expect(status == 400 && type.hasPrefix("application/problem+json") && text.contains("\"detail\""), "\(body) → \(status) \(type) \(text)")
        }
        // Every field within its bounds, their sum past what the engine prices: a rule across fields, 422.
        let tooMuch = #"{"basket": {"channel": "web", "currency": "EUR", "lines": [{"lineId": "1", "sku": "A", "quantity": 1000000, "unitPriceMinor": 1000000000000}], "shippingMinor": 0}}"#
        let (status, type, text) = try await stack.http.post("/quotes", json: Data(tooMuch.utf8))
        #expect(status == 422 && type.hasPrefix("application/problem+json") && text.contains("add up to"), "\(status) \(type) \(text)")
    }

    @Test("Redemptions follow the order: a retry answers the same, a release gives the use back, a late apply holds nothing")
    func redemptionLifecycle() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        let once = Promotion(promotionId: "welcome", name: "Welcome", kind: .amountOff, amountMinor: 1_000, code: "WELCOME", perCustomerLimit: 1)
        _ = try await stack.perform(PromotionsType.upsertPromotion, once, key: "welcome")
        let customer = "c-\(UUID().uuidString.prefix(6))"
        func apply(_ orderId: String, channel: String = "web") async throws -> CloudEvent {
            try await stack.perform(PromotionsType.applyPromotions,
                                    ApplyPromotions(orderId: orderId, basket: Self.basket(channel: channel, customerId: customer), codes: ["welcome"]), key: orderId)
        }
        let first = try await apply("ord-1-\(customer)")
        #expect(first.type == PromotionsType.promotionsApplied)
        let retried = try await apply("ord-1-\(customer)")
        #expect(try retried.payload(PromotionsApplied.self) == first.payload(PromotionsApplied.self))

        let other = try await apply("ord-2-\(customer)", channel: "pos")
        #expect(try other.payload(PromotionsRejected.self).rejections.map(\.reasonCode) == ["already-used-by-customer"])
        let otherRetried = try await apply("ord-2-\(customer)", channel: "pos")
        #expect(otherRetried.type == PromotionsType.promotionsRejected)
        #expect(try otherRetried.payload(PromotionsRejected.self) == other.payload(PromotionsRejected.self), "a refusal, asked again, is the same refusal")

        let released = try await stack.perform(PromotionsType.releaseRedemptions, ReleaseRedemptions(orderId: "ord-1-\(customer)", reason: "order-cancelled"),
                                                key: "ord-1-\(customer)")
        #expect(try released.payload(RedemptionsReleased.self).redemptions == 1)
        let third = try await apply("ord-3-\(customer)", channel: "pos")
        #expect(third.type == PromotionsType.promotionsApplied, "the use was given back")
        let committed = try await stack.perform(PromotionsType.commitRedemptions, CommitRedemptions(orderId: "ord-3-\(customer)"), key: "ord-3-\(customer)")
        #expect(try committed.payload(RedemptionsCommitted.self).redemptions == 1)

        // A saga that gave up before its apply arrived: the late apply holds nothing.
        let late = "ord-late-\(customer)"
        _ = try await stack.perform(PromotionsType.releaseRedemptions, ReleaseRedemptions(orderId: late, reason: "saga-timeout"), key: late)
        #expect(try await apply(late).type == PromotionsType.promotionsRejected)
        let unknown = try await stack.perform(PromotionsType.commitRedemptions, CommitRedemptions(orderId: "ord-never"), key: "ord-never")
        #expect(try unknown.payload(CommandRejected.self).reasonCode == "unknown-order")
    }

    @Test("OrderConfirmed commits what the order's promotions held, once and without a message of its own; a released one stays released")
    func commitOnConfirmation() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        let once = Promotion(promotionId: "thanks", name: "Thanks", kind: .amountOff, amountMinor: 500, code: "THANKS", perCustomerLimit: 1)
        _ = try await stack.perform(PromotionsType.upsertPromotion, once, key: "thanks")
        let customer = "c-\(UUID().uuidString.prefix(6))"
        func apply(_ orderId: String, codes: [String]) async throws -> CloudEvent {
            try await stack.perform(PromotionsType.applyPromotions,
                                    ApplyPromotions(orderId: orderId, basket: Self.basket(channel: "web", customerId: customer), codes: codes), key: orderId)
        }
        func confirm(_ orderId: String) async throws {
            let line = OrderLine(lineId: "1", sku: "A", name: "A", category: "shoes", quantity: 1, unitPriceMinor: 4_900)
            let order = OrderSnapshot(orderId: orderId, status: "confirmed", channel: "web", storeId: nil, customerId: customer, currency: "EUR", lines: [line],
                                      promoCodes: [], fulfilment: OrderFulfilment(mode: .delivery), contact: nil, subtotalMinor: 4_900, discountMinor: 0, totalMinor: 4_900,
                                      placedAt: Date())
            try await stack.publishEvent(OrdersType.orderConfirmed, OrderEvent(order: order), of: .orders, key: orderId)
        }
        func committed(_ orderId: String) -> [CloudEvent] {
            stack.watcher.events(PromotionsType.redemptionsCommitted).filter { (try? $0.payload(RedemptionsCommitted.self).orderId) == orderId }
        }
        let held = "ord-held-\(customer)", plain = "ord-plain-\(customer)", released = "ord-released-\(customer)"
        #expect(try await apply(held, codes: ["thanks"]).type == PromotionsType.promotionsApplied)
        #expect(try await apply(plain, codes: []).type == PromotionsType.promotionsApplied)
        func statuses() async throws -> [String: String] {
            let export = try await stack.poll("/customers/\(customer)/export", as: RedemptionsExport.self, from: .promotions) { _ in true }
            return Dictionary(export.redemptions.map { ($0.orderId, $0.status) }, uniquingKeysWith: { first, _ in first })
        }
        #expect(try await statuses()[held] == "held")
        try await confirm(held)
        let afterConfirmation = try await stack.poll("/customers/\(customer)/export", as: RedemptionsExport.self, from: .promotions) { export in
            export.redemptions.contains { $0.orderId == held && $0.status == "committed" }
        }
        #expect(afterConfirmation.redemptions.filter { $0.orderId == held }.map(\.status) == ["committed"], "the confirmation committed the use")
        // Confirmed again (a retried PlaceOrder is answered so), and an old-style CommitRedemptions: nothing counted twice.
        try await confirm(held)
        let again = try await stack.perform(PromotionsType.commitRedemptions, CommitRedemptions(orderId: held), key: held)
        #expect(try again.payload(RedemptionsCommitted.self).redemptions == 0)
        // The use is spent: the same customer cannot use the code on another order.
        #expect(try await apply("ord-next-\(customer)", codes: ["thanks"]).type == PromotionsType.promotionsRejected)
        // Nothing held: nothing said. Released before a (late) confirmation: stays released.
        try await confirm(plain)
        _ = try await stack.perform(PromotionsType.releaseRedemptions, ReleaseRedemptions(orderId: released, reason: "saga-timeout"), key: released)
        try await confirm(released)
        try await Task.sleep(for: .seconds(1))
        #expect(committed(held).count == 1, "only the command's answer: the confirmation said nothing")
        #expect(try committed(held).first?.payload(RedemptionsCommitted.self).redemptions == 0)
        #expect(committed(plain).isEmpty && committed(released).isEmpty)
    }

    /// Promotions' part of a customer's export: the uses and their status.
    struct RedemptionsExport: Decodable {
        struct Redemption: Decodable {
            var orderId: String
            var status: String
        }
        var redemptions: [Redemption]
    }

    @Test("A promotion changed or switched off counts on the very next basket: the active promotions kept in memory are dropped when Postgres says they changed")
    func changeSeenAtOnce() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        let id = "ref-\(UUID().uuidString.prefix(6))"
        func discount(_ n: Int) async throws -> Int64 {
            let orderId = "ord-\(id)-\(n)"
            let answer = try await stack.perform(PromotionsType.applyPromotions,
                                                 ApplyPromotions(orderId: orderId, basket: Self.basket(channel: "web", customerId: nil), codes: []), key: orderId)
            return try answer.payload(PromotionsApplied.self).pricing.applied.first { $0.promotionId == id }?.discountMinor ?? 0
        }
        var promotion = Promotion(promotionId: id, name: "Ten off", kind: .amountOff, amountMinor: 1_000)
        #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: id).type == PromotionsType.promotionUpserted)
        #expect(try await discount(1) == 1_000)
        #expect(try await discount(2) == 1_000, "served from the copy the first basket read")
        promotion.amountMinor = 1_500
        #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: id).type == PromotionsType.promotionUpserted)
        #expect(try await discount(3) == 1_500, "the change counts at once")
        promotion.active = false
        #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: id).type == PromotionsType.promotionUpserted)
        #expect(try await discount(4) == 0, "switched off: applies no more")
    }

    @Test("Segment targeting: a VIP offer applies to members only; a merged person keeps one set of segments and uses")
    func segments() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        let vip = Promotion(promotionId: "vip10", name: "VIP 10 %", kind: .percentOff, percent: 10, code: "VIP10", segments: ["vip"], perCustomerLimit: 1)
        #expect(try await stack.perform(PromotionsType.upsertPromotion, vip, key: "vip10").type == PromotionsType.promotionUpserted)
        let run = UUID().uuidString.prefix(6)
        let member = "c-member-\(run)", other = "c-other-\(run)"
        try await stack.publishEvent(CustomersType.segmentMembershipChanged, SegmentMembershipChanged(customerId: member, segmentId: "vip", member: true),
                                     of: .customers, key: member)
        struct Quote: Decodable { var pricing: Pricing; var rejections: [CodeRejection] }
        func refusals(_ customer: String, until expected: [String]) async throws -> [String] {
            let deadline = ContinuousClock.now + .seconds(20)
            while true {
                let body = try JSONCoding.encoder.encode(["basket": AnyEncodable(Self.basket(channel: "web", customerId: customer)), "codes": AnyEncodable(["VIP10"])])
                let (_, _, text) = try await stack.http.post("/quotes", json: body)
                let reasons = try JSONCoding.decoder.decode(Quote.self, from: Data(text.utf8)).rejections.map(\.reasonCode)
                if reasons == expected || ContinuousClock.now > deadline { return reasons }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(try await refusals(member, until: []) == [], "a member gets the offer once the event is read")
        #expect(try await refusals(other, until: ["not-in-segment"]) == ["not-in-segment"])

        let orderId = "ord-vip-\(run)"
        let applied = try await stack.perform(PromotionsType.applyPromotions, ApplyPromotions(orderId: orderId, basket: Self.basket(channel: "app", customerId: member),
                                                                                             codes: ["VIP10"]), key: orderId)
        #expect(applied.type == PromotionsType.promotionsApplied)
        // The two profiles prove to be one person: the survivor is in the segment and has used the code.
        try await stack.publishEvent(CustomersType.customersMerged, CustomersMerged(survivorId: other, mergedIds: [member]), of: .customers, key: other)
        #expect(try await refusals(other, until: ["already-used-by-customer"]) == ["already-used-by-customer"])
    }

    @Test("Single-use codes: a batch generated once, read page by page, each code good for one order across channels")
    func uniqueCodes() async throws {
        let stack = try await ServiceStack(.promotions)
        defer { Task { await stack.stop() } }
        let welcome = Promotion(promotionId: "welcome", name: "Welcome 5 €", kind: .amountOff, amountMinor: 500, uniqueCodes: true)
        _ = try await stack.perform(PromotionsType.upsertPromotion, welcome, key: "welcome")
        let batch = GenerateCodes(batchId: "batch-\(UUID().uuidString.prefix(6))", promotionId: "welcome", count: 120, prefix: "welcome")
        #expect(try await stack.perform(PromotionsType.generateCodes, batch, key: "welcome").payload(CodesGenerated.self).count == 120)
        #expect(try await stack.perform(PromotionsType.generateCodes, batch, key: "welcome").type == PromotionsType.codesGenerated, "a retry answers the same")
        for (bad, reason) in [(GenerateCodes(batchId: "b-2", promotionId: "nope", count: 5), "unknown-promotion"),
                              (GenerateCodes(batchId: "b-3", promotionId: "welcome", count: 0), "invalid-count")] {
            #expect(try await stack.perform(PromotionsType.generateCodes, bad, key: bad.promotionId).payload(CommandRejected.self).reasonCode == reason)
        }
        struct Page: Decodable { var codes: [String]; var next: String? }
        let first: Page = try await stack.getJSON("/promotions/welcome/codes?batch=\(batch.batchId)&limit=100")
        let second: Page = try await stack.getJSON("/promotions/welcome/codes?batch=\(batch.batchId)&limit=100&after=\(first.next ?? "")")
        let codes = first.codes + second.codes
        for (path, status) in [("/promotions/nope/codes", 404), ("/promotions/welcome/codes?limit=0", 400)] {
            let (code, body) = try await stack.http.get(path)
            #expect(code == status && body.contains("\"status\":\(status)"), "\(path): \(body)")
        }
        #expect(Set(codes).count == 120 && second.next == nil && codes.allSatisfy { $0.hasPrefix("WELCOME-") })

        // The same code from the web and six tills at once: one order gets it.
        let code = codes[0], run = UUID().uuidString.prefix(6)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<7 {
                let orderId = "ord-\(run)-\(index)", channel = index == 0 ? "web" : "pos"
                group.addTask {
                    try await stack.send(PromotionsType.applyPromotions, ApplyPromotions(orderId: orderId, basket: Self.basket(channel: channel, customerId: "c-\(index)"),
                                                                                         codes: [code.lowercased()]), key: orderId, channel: channel)
                }
            }
            try await group.waitForAll()
        }
        let applied = try await stack.watcher.all(PromotionsType.promotionsApplied, count: 1) { try $0.payload(PromotionsApplied.self).orderId.hasPrefix("ord-\(run)") }
        let refused = try await stack.watcher.all(PromotionsType.promotionsRejected, count: 6) { try $0.payload(PromotionsRejected.self).orderId.hasPrefix("ord-\(run)") }
        #expect(applied.count == 1 && refused.count == 6)
        #expect(try refused.allSatisfy { try $0.payload(PromotionsRejected.self).rejections.map(\.reasonCode) == ["code-already-used"] })
        #expect(try applied[0].payload(PromotionsApplied.self).pricing.applied.map(\.code) == [code])

        // Released with its order, the code is good again; a made-up one is unknown.
        let winner = try applied[0].payload(PromotionsApplied.self).orderId
        _ = try await stack.perform(PromotionsType.releaseRedemptions, ReleaseRedemptions(orderId: winner, reason: "order-cancelled"), key: winner)
        let again = try await stack.perform(PromotionsType.applyPromotions, ApplyPromotions(orderId: "ord-\(run)-again", basket: Self.basket(channel: "app", customerId: "c-9"),
                                                                                           codes: [code]), key: "ord-\(run)-again")
        #expect(again.type == PromotionsType.promotionsApplied)
        let madeUp = try await stack.perform(PromotionsType.applyPromotions, ApplyPromotions(orderId: "ord-\(run)-fake", basket: Self.basket(channel: "app", customerId: "c-9"),
                                                                                            codes: ["WELCOME-ZZZZZZZZZZ"]), key: "ord-\(run)-fake")
        #expect(try madeUp.payload(PromotionsRejected.self).rejections.map(\.reasonCode) == ["unknown-code"])
    }

    @Test("J2: web and POS at the same instant on two replicas: a code limited to 5 uses is used exactly 5 times")
    func usageLimitAcrossChannelsAndReplicas() async throws {
        let stack = try await ServiceStack(.promotions, replicas: 2)
        defer { Task { await stack.stop() } }
        let launch = Promotion(promotionId: "launch", name: "Launch", kind: .percentOff, percent: 20, code: "LAUNCH", usageLimit: 5)
        let oncePerCustomer = Promotion(promotionId: "vip", name: "VIP", kind: .amountOff, amountMinor: 500, code: "VIP", perCustomerLimit: 1)
        for promotion in [launch, oncePerCustomer] {
            #expect(try await stack.perform(PromotionsType.upsertPromotion, promotion, key: promotion.promotionId).type == PromotionsType.promotionUpserted)
        }
        let run = UUID().uuidString.prefix(6)
        let vipCustomer = "c-vip-\(run)"
        var orders: [String: String] = [:]  // order id → code
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let orderId = "ord-\(run)-\(index)", channel = index.isMultiple(of: 2) ? "web" : "pos"
                orders[orderId] = "LAUNCH"
                group.addTask {
                    let command = ApplyPromotions(orderId: orderId, basket: Self.basket(channel: channel, customerId: "c-\(run)-\(index)"), codes: ["LAUNCH"])
                    try await stack.send(PromotionsType.applyPromotions, command, key: orderId, channel: channel)
                }
            }
            // The same person on the web and at a till at once.
            for index in 0..<6 {
                let orderId = "ord-\(run)-vip-\(index)", channel = index.isMultiple(of: 2) ? "web" : "pos"
                orders[orderId] = "VIP"
                group.addTask {
                    let command = ApplyPromotions(orderId: orderId, basket: Self.basket(channel: channel, customerId: vipCustomer), codes: ["vip"])
                    try await stack.send(PromotionsType.applyPromotions, command, key: orderId, channel: channel)
                }
            }
            try await group.waitForAll()
        }
        var applied: [String: Int] = [:], refused: [String: [String]] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while applied.values.reduce(0, +) + refused.values.reduce(0, { $0 + $1.count }) < orders.count, ContinuousClock.now < deadline {
            applied = [:]
            refused = [:]
            for event in stack.watcher.events(PromotionsType.promotionsApplied) {
                if let answer = try? event.payload(PromotionsApplied.self), let code = orders[answer.orderId] { applied[code, default: 0] += 1 }
            }
            for event in stack.watcher.events(PromotionsType.promotionsRejected) {
                if let answer = try? event.payload(PromotionsRejected.self), let code = orders[answer.orderId] {
                    refused[code, default: []] += answer.rejections.map(\.reasonCode)
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(applied["LAUNCH"] == 5)
        #expect(refused["LAUNCH"]?.count == 35 && Set(refused["LAUNCH"] ?? []) == ["limit-reached"])
        #expect(applied["VIP"] == 1)
        #expect(Set(refused["VIP"] ?? []) == ["already-used-by-customer"] && refused["VIP"]?.count == 5)
        // Both replicas answered: the limit held across processes, not inside one.
        let handledBy = try await stack.replicas.asyncMap { try await $0.metric("omni_messages_consumed_total") }
        #expect(handledBy.allSatisfy { $0 > 0 }, "\(handledBy)")
    }
}

/// Encodes any Encodable (a heterogeneous JSON object in a test body).
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
