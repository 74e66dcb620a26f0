import Foundation
import HTTPTypes
import Hummingbird
import OmniAuth
import OmniPersistence
import OmniRuntime
import OrdersContracts

/// The click & collect desk of the member's store: today's pickups to prepare, ready,
/// overdue, and what was cancelled for not being collected. Marking ready and handing over
/// go through the command door with the member's own credential, and the page shows the
/// outcome the orders service gave.
enum DeskRoutes {
    static func add(to router: Router<OmniRequestContext>, console: Console, feed: ConsoleFeed, signals: OutcomeSignals) {
        router.get("/console/desk") { request, _ in
            guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let language = console.language(request), words = ConsoleText.words(language)
            let query = request.uri.queryParameters
            guard let store = StockRoutes.store(of: member, asked: query.get("store")),
                  let token = try await console.token(for: member) else {
                return console.refusal("desk", titleKey: "deskTitle", language: language, session: session, member: member,
                                       slot: "problem", message: words["noStore"] ?? "", status: .forbidden)
            }
            let answer = await console.reader.tryGet("orders", "/stores/\(queryValue(store))/pickups", token: token)
            guard answer.status == 200 else {
                return console.refusal("desk", titleKey: "deskTitle", language: language, session: session, member: member,
                                       slot: "problem", message: words["noStore"] ?? "", status: .forbidden)
            }
            var values = console.frame(session: session, member: member)
            values["store"] = store
            values["events"] = "/console/desk/events?store=\(queryValue(store))"
            for list in ["toPrepare", "ready", "overdue", "cancelled"] {
                let orders = (answer.object[list] as? [[String: Any]] ?? []).map { order -> [String: Any] in
                    ["orderId": order["orderId"] as? String ?? "", "channel": order["channel"] as? String ?? "", "lines": CustomerPage.lineSummary(order["lines"]),
                     "total": CustomerPage.money(order["totalMinor"], order["currency"], language: language),
                     "placedAt": CustomerPage.time(order["placedAt"]), "collectBy": CustomerPage.time(order["collectBy"])]
                }
                values[list] = orders
                values["has" + list.prefix(1).uppercased() + list.dropFirst()] = !orders.isEmpty
            }
            if let done = query.get("order"), let outcome = query.get("outcome") {
                values["result"] = "\(done.prefix(80)): \(words["outcome-" + outcome] ?? outcome)"
                values["resultOK"] = outcome == "ready" || outcome == "handed-over"
            }
            var page = console.pages.page("desk", language: language, title: words["deskTitle"] ?? "", values: values)
            console.rememberLanguage(request, in: &page)
            return page
        }
        router.get("/console/desk/events") { request, _ in
            // The desk's live feed: every step of a pickup order of the store (placed,
            // confirmed, ready, collected, cancelled), for a member of that store only.
            guard let (_, member) = try await console.signedIn(request) else { return Response(status: .unauthorized, headers: ConsolePages.securityHeaders) }
            guard let store = StockRoutes.store(of: member, asked: request.uri.queryParameters.get("store")) else {
                return Response(status: .forbidden, headers: ConsolePages.securityHeaders)
            }
            return ConsoleRoutes.eventStream(feed.subscribe(key: ConsoleFeed.deskKey(store)), until: console.configuration.idleTimeout)
        }
        router.post("/console/desk/:orderId/ready") { request, context in
            try await act(request, context, console: console, signals: signals, type: OrdersType.markReadyForPickup, done: "ready")
        }
        router.post("/console/desk/:orderId/handover") { request, context in
            try await act(request, context, console: console, signals: signals, type: OrdersType.confirmPickup, done: "handed-over")
        }
    }

    /// Sends `type` for the order through the command door as the member, after checking
    /// the order is at the member's store's desk; back to the desk with the outcome.
    static func act(_ request: Request, _ context: OmniRequestContext, console: Console, signals: OutcomeSignals, type: String, done: String) async throws -> Response {
        guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
        let orderId = try context.parameters.require("orderId")
        let form = try await ConsoleRoutes.formFields(request)
        let language = console.language(request), words = ConsoleText.words(language)
        guard form["csrf"] == session.csrf else {
            return console.refusal("desk", titleKey: "deskTitle", language: language, session: session, member: member,
                                       slot: "problem", message: words["formExpired"] ?? "", status: .forbidden)
        }
        let back = "/console/desk?order=\(queryValue(orderId))&outcome="
        guard let store = StockRoutes.store(of: member, asked: form["store"]), let token = try await console.token(for: member) else {
            return ConsolePages.redirect(to: back + "not-your-store")
        }
        // Store-bound: only an order of this store's desk.
        let desk = await console.reader.tryGet("orders", "/stores/\(queryValue(store))/pickups", token: token)
        let atDesk = ["toPrepare", "ready", "overdue"].flatMap { desk.object[$0] as? [[String: Any]] ?? [] }.contains { $0["orderId"] as? String == orderId }
        guard atDesk else { return ConsolePages.redirect(to: back + "not-your-store") }
        var body: [String: Any] = ["orderId": orderId]
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
        if type == OrdersType.confirmPickup { body["reference"] = String(code.prefix(100)) }
        let outcome = try await console.send(type, body, key: "desk-\(done)-\(orderId)-\(code)", as: member, signals: signals).word(done: done)
        context.logger.info("desk action", metadata: ["member": "\(member.name)", "order": "\(orderId)", "type": "\(type)", "outcome": "\(outcome)"])
        return ConsolePages.redirect(to: back + queryValue(outcome))
    }
}
