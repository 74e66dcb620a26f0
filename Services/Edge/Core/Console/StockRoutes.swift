import Foundation
import HTTPTypes
import Hummingbird
import OmniAuth
import OmniRuntime

/// "Stock near me": find a product, then what this store, the stores nearby and each
/// channel may still sell of it, live as sales, returns and reservations happen anywhere.
enum StockRoutes {
    /// The channels that sell from the whole network (the in-store ones are asked at the store).
    static let onlineChannels = ["web", "app", "marketplace", "social", "telesales"]

    static func add(to router: Router<OmniRequestContext>, console: Console, feed: ConsoleFeed) {
        router.get("/console/stock") { request, _ in
            guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let language = console.language(request), words = ConsoleText.words(language)
            let typed = String((request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
            var values = console.frame(session: session, member: member).merging(["query": typed]) { $1 }
            if !typed.isEmpty, let token = try await console.token(for: member, reading: [.catalogRead]) {
                let answer = await console.reader.tryGet("catalog", "/products?q=\(queryValue(typed))&limit=20", token: token)
                let products = (answer.json as? [[String: Any]] ?? []).map { product -> [String: Any] in
                    ["sku": product["sku"] as? String ?? "", "name": product["name"] as? String ?? "", "category": product["category"] as? String ?? ""]
                }
                // A scanned barcode or a sku: one product, straight to its stock.
                if products.count == 1, let sku = products.first?["sku"] as? String {
                    return ConsolePages.redirect(to: "/console/stock/\(queryValue(sku))")
                }
                values["products"] = products
                values["hasProducts"] = !products.isEmpty
                if products.isEmpty { values["noResult"] = (words["noProduct"] ?? "").replacingOccurrences(of: "%@", with: typed) }
            }
            var page = console.pages.page("stock", language: language, title: words["stockTitle"] ?? "", values: values)
            console.rememberLanguage(request, in: &page)
            return page
        }
        router.get("/console/stock/:sku") { request, context in
            guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let language = console.language(request), words = ConsoleText.words(language)
            let sku = try context.parameters.require("sku")
            guard let store = Self.store(of: member, asked: request.uri.queryParameters.get("store")),
                  let token = try await console.token(for: member, reading: [.catalogRead]) else {
                return console.refusal("stock", titleKey: "stockTitle", language: language, session: session, member: member,
                                       slot: "noResult", message: words["noStore"] ?? "", status: .forbidden)
            }
            let reader = console.reader, path = queryValue(sku)
            async let product = reader.tryGet("catalog", "/products/\(path)", token: token)
            async let here = reader.tryGet("catalog", "/stock/\(path)/locations/\(queryValue(store))?limit=1", token: token)
            async let nearby = reader.tryGet("catalog", "/availability/\(path)/nearby?store=\(queryValue(store))&radiusKm=50", token: token)
            async let inStore = reader.tryGet("catalog", "/availability/\(path)?channel=pos&store=\(queryValue(store))", token: token)
            // Each online channel asked at once, shown in `onlineChannels`' order.
            let perChannel = await withTaskGroup(of: (String, Int?).self) { group in
                for channel in onlineChannels {
                    group.addTask {
                        let answer = await reader.tryGet("catalog", "/availability/\(path)?channel=\(channel)", token: token)
                        return (channel, answer.status == 200 ? answer.object["available"] as? Int ?? 0 : nil)
                    }
                }
                return await group.reduce(into: [String: Int]()) { $0[$1.0] = $1.1 }
            }
            let online: [[String: Any]] = onlineChannels.compactMap { channel in
                perChannel[channel].map { ["channel": channel, "available": "\($0)"] }
            }
            let found = await product
            guard found.status == 200 else {
                return console.refusal("stock", titleKey: "stockTitle", language: language, session: session, member: member,
                                       slot: "noResult", message: (words["noProduct"] ?? "").replacingOccurrences(of: "%@", with: sku), status: .notFound)
            }
            let stock = (await here).object
            let stores = ((await nearby).object["stores"] as? [[String: Any]] ?? []).filter { ($0["locationId"] as? String) != store }.map { near -> [String: Any] in
                ["name": near["name"] as? String ?? "", "locationId": near["locationId"] as? String ?? "", "available": "\(near["available"] as? Int ?? 0)",
                 "distance": String(format: "%.1f km", near["distanceKm"] as? Double ?? 0), "clickAndCollect": near["clickAndCollect"] as? Bool ?? false]
            }
            // Where the associate may hold it for a customer: here, or a nearby click & collect store.
            let pickupStores = [["locationId": store, "name": words["here"] ?? store]]
                + stores.filter { $0["clickAndCollect"] as? Bool == true }.map { ["locationId": $0["locationId"] as? String ?? "", "name": $0["name"] as? String ?? ""] }
            var values = console.frame(session: session, member: member)
            let query = request.uri.queryParameters
            if let order = query.get("order"), let outcome = query.get("outcome") {
                values["result"] = "\(order.prefix(80)): \(words["outcome-" + outcome] ?? outcome)"
                values["resultOK"] = outcome == "confirmed"
            }
            values["item"] = [
                "sku": sku, "name": found.object["name"] as? String ?? sku, "category": found.object["category"] as? String ?? "", "store": store,
                "onHand": "\(stock["onHand"] as? Int ?? 0)", "reserved": "\(stock["reserved"] as? Int ?? 0)", "safetyStock": "\(stock["safetyStock"] as? Int ?? 0)",
                "inTransit": "\(stock["inTransit"] as? Int ?? 0)",
                "hasHolds": !(stock["holds"] as? [Any] ?? []).isEmpty,
                "holds": (stock["holds"] as? [[String: Any]] ?? []).map { hold -> [String: Any] in
                    let kind = hold["sourceKind"] as? String ?? ""
                    return ["quantity": "\(hold["quantity"] as? Int ?? 0)", "source": words["hold-" + kind] ?? kind, "sourceId": hold["sourceId"] as? String ?? "",
                            "until": CustomerPage.time(hold["expiresAt"])]
                },
                "hasIncoming": !(stock["incoming"] as? [Any] ?? []).isEmpty,
                "incoming": (stock["incoming"] as? [[String: Any]] ?? []).map { transfer -> [String: Any] in
                    ["reference": transfer["reference"] as? String ?? "", "from": transfer["fromLocationId"] as? String ?? "",
                     "quantity": "\(transfer["quantity"] as? Int ?? 0)", "shippedAt": CustomerPage.time(transfer["shippedAt"])]
                },
                "available": "\((await inStore).object["available"] as? Int ?? stock["available"] as? Int ?? 0)",
                "nearby": stores, "hasNearby": !stores.isEmpty, "online": online,
                "events": "/console/stock/\(path)/events", "skuPath": path, "pickupStores": pickupStores, "attempt": ConsoleSessions.randomToken(),
            ] as [String: Any]
            var page = console.pages.page("stock-item", language: language, title: found.object["name"] as? String ?? sku, values: values)
            console.rememberLanguage(request, in: &page)
            return page
        }
        router.get("/console/stock/:sku/events") { request, context in
            guard try await console.signedIn(request) != nil else { return Response(status: .unauthorized, headers: ConsolePages.securityHeaders) }
            return ConsoleRoutes.eventStream(feed.subscribe(key: try context.parameters.require("sku")), until: console.configuration.idleTimeout)
        }
    }

    /// The store a member looks from: the one asked if they may act for it, else their own.
    static func store(of member: StaffDirectory.Member, asked: String?) -> String? {
        let own = member.stores.filter { $0 != Credential.allStores }
        if let asked, !asked.isEmpty {
            return member.stores.contains(Credential.allStores) || own.contains(asked) ? asked : nil
        }
        return own.first
    }
}
