import Foundation
import OmniChannel
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import OmniMessaging
import PostgresNIO
import PromotionsContracts

/// Issue #6's figures: the pricing engine's time per basket with 1, 100 and 10,000 active
/// promotions (pure, in this process), and quotes/s over HTTP from the real promotions
/// process (`POST /quotes`: read the promotions and usage, price, answer).
enum PromotionsEngineBench {
    static func evaluation(activePromotions count: Int, iterations: Int) -> BenchFigure {
        let promotions = (0..<count).map(promotion)
        let basket = Self.basket(0)
        var latencies: [Double] = []
        var discounts: Int64 = 0
        let started = ContinuousClock.now
        for index in 0..<iterations {
            let at = ContinuousClock.now
            var priced = basket
            priced.customerId = "c-\(index)"
            discounts &+= PricingEngine.price(priced, promotions: promotions, codes: ["CODE-7", "CODE-42"]).totalDiscountMinor
            latencies.append((ContinuousClock.now - at).seconds * 1_000)
        }
        let seconds = (ContinuousClock.now - started).seconds
        return BenchFigure(name: "promotions: engine, 5-line basket, \(count) active promotion\(count == 1 ? "" : "s")", count: iterations, seconds: seconds,
                           latencies: LatencySummary(milliseconds: latencies),
                           note: "\(discounts / Int64(max(1, iterations))) off per basket")
    }

    /// A believable mix: most promotions target a sku or a category, some need a code.
    static func promotion(_ index: Int) -> Promotion {
        let kinds = Promotion.Kind.allCases
        var promotion = Promotion(promotionId: "bench-\(index)", name: "Offer \(index)", kind: kinds[index % kinds.count], percent: 5 + index % 40,
                                  amountMinor: Int64(100 + index % 900), nth: 2, thresholdMinor: 5_000, buyQuantity: 2, getQuantity: 1,
                                  priority: index % 5)
        switch index % 3 {
        case 0: promotion.skus = ["SKU-\(index % 500)", "SKU-\((index + 1) % 500)"]
        case 1: promotion.categories = ["cat-\(index % 20)"]
        default: break
        }
        if promotion.kind == .bundlePrice { promotion.skus = ["SKU-\(index % 500)", "SKU-\((index + 97) % 500)"] }
        if index % 10 == 7 { promotion.code = "CODE-\(index)" }
        if index % 4 == 0 { promotion.stacking = .exclusive }
        return promotion
    }

    static func basket(_ seed: Int) -> Basket {
        Basket(channel: "web", customerId: "c-\(seed)", currency: "EUR",
               lines: (0..<5).map { BasketLine(lineId: "\($0)", sku: "SKU-\(($0 * 97 + seed) % 500)", category: "cat-\($0 % 20)", quantity: 1 + $0 % 3,
                                               unitPriceMinor: Int64(1_000 + $0 * 1_500)) },
               shippingMinor: 490)
    }
}

/// `POST /quotes` against the real promotions process holding `promotions` offers.
final class PromotionsQuoteBench: Sendable {
    private let channel: CommandChannel
    private let service: ServiceUnderBench

    init(bootstrap: String, target: PostgresTarget, binDir: URL, logger: Logger) async throws {
        service = try ServiceUnderBench("promotions", binDir: binDir, bootstrap: bootstrap, target: target)
        channel = try await CommandChannel(bootstrap: bootstrap, topics: [Topics.events(.promotions)], logger: logger)
    }

    func start(promotions count: Int) async throws {
        try await service.start()
        var ids: [UUID] = []
        for index in 0..<count {
            let promotion = PromotionsEngineBench.promotion(index)
            ids.append(try await channel.send(PromotionsType.upsertPromotion, promotion, to: .promotions, key: promotion.promotionId).id)
        }
        _ = try await channel.waitForOutcomes(of: ids, types: [PromotionsType.promotionUpserted, PromotionsType.commandRejected], timeout: .seconds(300))
        let refused = channel.count(PromotionsType.commandRejected, causedBy: ids)
        guard refused == 0 else { throw BenchError("\(refused) promotions refused") }
    }

    func stop() async {
        service.stop()
        await channel.close()
    }

    var usageNotes: [String] { [service.usageNote].compactMap { $0 } }

    /// `clients` channels asking for quotes back to back for `seconds`.
    func quotes(promotions: Int, clients: Int, seconds: Int) async throws -> BenchFigure {
        guard let port = service.httpPort else { throw BenchError("promotions has no HTTP port") }
        let url = URL(string: "http://127.0.0.1:\(port)/quotes")!
        let token = try await ServiceUnderBench.credentials().token(as: .webShop, name: "bench-web-shop")
        let until = ContinuousClock.now + .seconds(seconds)
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var latencies: [Double] = []
                    var index = client
                    while ContinuousClock.now < until {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.authorize(bearer: token)
                        request.httpBody = try JSONCoding.encoder.encode(QuoteBody(basket: PromotionsEngineBench.basket(index), codes: ["CODE-7"]))
                        let at = ContinuousClock.now
                        let (_, response) = try await URLSession.shared.data(for: request)
                        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchError("a quote failed") }
                        latencies.append((ContinuousClock.now - at).seconds * 1_000)
                        index += clients
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await some in group { all += some }
            return all
        }
        return BenchFigure(name: "promotions: POST /quotes, \(promotions) active, \(clients) clients", count: latencies.count,
                           seconds: (ContinuousClock.now - started).seconds, latencies: LatencySummary(milliseconds: latencies))
    }

    private struct QuoteBody: Encodable {
        var basket: Basket
        var codes: [String]
    }
}
