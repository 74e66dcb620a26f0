import Foundation
import Hummingbird
import NIOCore
import OmniAuth
import OmniMessaging
import OmniPersistence
import OmniRuntime
import PromotionsContracts

/// Channels price a basket here before checkout (POS, app, web: the same numbers as the
/// saga, with no side effect), and read the promotions.
enum PromotionsRoutes {
    struct QuoteRequest: Codable, Sendable {
        var basket: Basket
        var codes: [String]?
    }

    struct Quote: Codable, Sendable {
        var pricing: Pricing
        /// Codes that would be refused at checkout, with the reason.
        var rejections: [CodeRejection]
    }

    struct PromotionView: Codable, Sendable {
        var promotion: Promotion
        var version: Int
        var uses: Int?
    }

    /// A page of single-use codes; pass `next` as `after=` for the following page.
    struct CodePage: Codable, Sendable {
        var promotionId: String
        var codes: [String]
        var next: String?
    }

    struct PromotionList: Codable, Sendable {
        var promotions: [PromotionView]
    }

    static func add(to router: Router<OmniRequestContext>, database: Database) {
        PromotionsCustomerExport.add(to: router, database: database)
        router.post("/quotes", requires: .promotionsRead) { request, context in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: 1 << 20)
            } catch is NIOTooManyBytesError {
                throw ProblemDetails(status: .contentTooLarge, title: "Basket too large", detail: "a quote request is at most 1 MiB of JSON")
            }
            let quote: QuoteRequest
            do {
                quote = try JSONCoding.decoder.decode(QuoteRequest.self, from: Data(buffer: body))
            } catch {
                throw ProblemDetails(status: .badRequest, title: "Invalid basket", detail: "the body must be {\"basket\": {...}, \"codes\": [...]}: \(error)")
            }
            guard SalesChannel(rawValue: quote.basket.channel) != nil else { throw ProblemDetails.invalidQuery("basket.channel", "a sales channel") }
            guard quote.basket.lines.allSatisfy({ $0.quantity > 0 && $0.unitPriceMinor >= 0 }) else {
                throw ProblemDetails(status: .badRequest, title: "Invalid basket", detail: "every line needs a quantity above 0 and a price of 0 or more")
            }
            if let problem = quote.basket.pricingProblem {
                // Each field in range but their sum too large: a rule across fields (422), not a malformed field (400).
                throw ProblemDetails(status: quote.basket.fieldsInRange ? .unprocessableContent : .badRequest, title: "Invalid basket", detail: problem)
            }
            let evaluation = try await database.withConnection { connection in
                try await Evaluation.run(quote.basket, codes: quote.codes ?? [], lockingLimits: false, on: connection, logger: database.logger)
            }
            return Response.json(Quote(pricing: evaluation.pricing, rejections: evaluation.rejections))
        }
        router.get("/promotions", requires: .promotionsRead) { request, _ in
            let limit = try request.limit(default: 100)
            let all = try await database.withConnection { connection in
                try await PromotionRecords.all(limit: limit, on: connection, logger: database.logger)
            }
            return Response.json(PromotionList(promotions: all.map { PromotionView(promotion: $0.0, version: $0.1, uses: $0.2) }))
        }
        router.get("/promotions/:id/codes", requires: .promotionsRead) { request, context in
            let id = try context.parameters.require("id")
            let query = request.uri.queryParameters
            let limit = try request.limit(default: 1_000)
            let codes = try await database.withConnection { connection -> [String]? in
                guard try await PromotionRecords.find(id, on: connection, logger: database.logger) != nil else { return nil }
                return try await UniqueCodeRecords.codes(of: id, batch: query.get("batch"), after: query.get("after"), limit: limit,
                                                         on: connection, logger: database.logger)
            }
            guard let codes else { throw ProblemDetails.notFound("no promotion \(id)") }
            return Response.json(CodePage(promotionId: id, codes: codes, next: codes.count == limit ? codes.last : nil))
        }
        router.get("/promotions/:id", requires: .promotionsRead) { _, context in
            let id = try context.parameters.require("id")
            let found = try await database.withConnection { connection -> PromotionView? in
                guard let (promotion, version) = try await PromotionRecords.find(id, on: connection, logger: database.logger) else { return nil }
                let uses = try await PromotionRecords.uses(of: id, customerId: nil, on: connection, logger: database.logger)
                return PromotionView(promotion: promotion, version: version, uses: uses.total)
            }
            guard let found else { throw ProblemDetails.notFound("no promotion \(id)") }
            return Response.json(found)
        }
    }
}
