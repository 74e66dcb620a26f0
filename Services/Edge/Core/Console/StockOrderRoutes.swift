import Foundation
import Hummingbird
import OmniAuth
import OmniRuntime
import OrdersContracts

/// From a product's stock page, an associate orders it for a customer: held for click &
/// collect at this store or a nearby one (the customer pays at the desk), or delivered to
/// the customer's address (paid at the terminal, its reference typed in). The order is a
/// `PlaceOrder` sent through the command door as the associate, so it is priced, reserved
/// and confirmed by the same saga as any channel's, and the customer is told the same way.
enum StockOrderRoutes {
    static func add(to router: Router<OmniRequestContext>, console: Console, signals: OutcomeSignals) {
        router.post("/console/stock/:sku/order") { request, context in
            guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let sku = try context.parameters.require("sku")
            let form = try await ConsoleRoutes.formFields(request)
            guard form["csrf"] == session.csrf else {
                let language = console.language(request)
                return console.refusal("stock", titleKey: "stockTitle", language: language, session: session, member: member,
                                       slot: "noResult", message: ConsoleText.words(language)["formExpired"] ?? "", status: .forbidden)
            }
            guard let store = StockRoutes.store(of: member, asked: form["store"]) else {
                return ConsolePages.redirect(to: "/console/stock/\(queryValue(sku))?outcome=not-your-store")
            }
            let attempt = String((form["attempt"] ?? "").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }.prefix(43))
            let orderId = "tab-" + (attempt.isEmpty ? UUID().uuidString.lowercased() : String(attempt.prefix(24)))
            let back = "/console/stock/\(queryValue(sku))?store=\(queryValue(store))&order=\(queryValue(orderId))&outcome="
            let order: [String: Any]
            switch try await Self.order(sku: sku, form: form, store: store, orderId: orderId, console: console, member: member) {
            case .success(let built): order = built
            case .failure(let refusal): return ConsolePages.redirect(to: back + refusal.code)
            }
            let outcome = try await console.send(OrdersType.placeOrder, order, key: "stock-order-\(attempt.isEmpty ? orderId : attempt)",
                                                 as: member, signals: signals).word(done: "confirmed")
            context.logger.info("console order", metadata: ["member": "\(member.name)", "order": "\(orderId)", "sku": "\(sku)", "outcome": "\(outcome)"])
            return ConsolePages.redirect(to: back + queryValue(outcome))
        }
    }

    struct Refusal: Error { var code: String }

    /// The `PlaceOrder` the form asks for, or why it cannot be sent.
    static func order(sku: String, form: [String: String], store: String, orderId: String, console: Console,
                      member: StaffDirectory.Member) async throws -> Result<[String: Any], Refusal> {
        guard let quantity = Int(form["quantity"] ?? ""), (1...99).contains(quantity) else { return .failure(Refusal(code: "bad-quantity")) }
        // A phone, an email or a card names one customer; a name could be several.
        guard let query = CustomerQuery.parse(String((form["customer"] ?? "").prefix(200))), let (parameter, value) = query.lookup,
              let token = try await console.token(for: member, reading: [.customersRead]) else {
            return .failure(Refusal(code: "customer-not-found"))
        }
        let found = await console.lookup(parameter, value, token: token)
        guard found.status == 200, let customerId = found.object["customerId"] as? String else { return .failure(Refusal(code: "customer-not-found")) }
        let payment = String((form["payment"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        var order: [String: Any] = ["orderId": orderId, "storeId": store, "customerId": customerId, "lines": [["sku": sku, "quantity": quantity]]]
        let destination = form["fulfil"] ?? ""
        if destination == "delivery" {
            // Delivered to the first address on the customer's profile, paid at the terminal.
            let profile = found.object["profile"] as? [String: Any] ?? [:]
            guard let address = (profile["addresses"] as? [[String: Any]])?.first else { return .failure(Refusal(code: "no-address")) }
            guard !payment.isEmpty else { return .failure(Refusal(code: "payment-required")) }
            let name = [profile["firstName"] as? String, profile["lastName"] as? String].compactMap { $0 }.joined(separator: " ")
            var delivered: [String: Any] = [:]
            for field in ["street", "postalCode", "city", "country"] { delivered[field] = address[field] as? String ?? "" }
            if !name.isEmpty { delivered["name"] = name }
            order["fulfilment"] = ["mode": "delivery", "address": delivered]
            order["paymentReference"] = payment
        } else if destination.hasPrefix("pickup:"), destination.count > 7 {
            order["fulfilment"] = ["mode": "pickup", "storeId": String(destination.dropFirst(7).prefix(100))]
            order["paymentReference"] = payment.isEmpty ? "pay-at-pickup" : payment
        } else {
            return .failure(Refusal(code: "no-destination"))
        }
        return .success(order)
    }
}
