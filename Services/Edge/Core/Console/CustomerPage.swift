import Foundation

/// The customer 360 page's values, from what the services answered: profile,
/// identifiers, consents and their history, loyalty, orders from every channel, open
/// carts, messages sent, and the journey. Names and contacts masked when `masked`. Pure.
enum CustomerPage {
    struct Sources {
        var view: [String: Any]
        var consentHistory: [Any]
        var journey: [String: Any]
        var orders: [Any]
        var messages: [Any]
        var quotes: [Any] = []
    }

    static func values(_ sources: Sources, masked: Bool, language: String) -> [String: Any] {
        let profile = sources.view["profile"] as? [String: Any] ?? [:]
        let first = profile["firstName"] as? String, last = profile["lastName"] as? String
        let name = masked ? [Masking.name(first), Masking.name(last)].filter { !$0.isEmpty }.joined(separator: " ")
            : [first, last].compactMap { $0 }.joined(separator: " ")
        let identifiers = (profile["identifiers"] as? [[String: Any]] ?? []).map { identifier -> [String: Any] in
            let kind = identifier["kind"] as? String ?? "", value = identifier["value"] as? String ?? ""
            return ["kind": kind, "value": masked ? Masking.identifier(kind: kind, value: value) : value]
        }.filter { ($0["kind"] as? String) != "anonymous" }
        let addresses: [[String: Any]] = masked ? [] : (profile["addresses"] as? [[String: Any]] ?? []).map { address in
            ["line": [address["street"], address["postalCode"], address["city"], address["country"]].compactMap { $0 as? String }.joined(separator: ", ")]
        }
        let consents = (sources.view["consents"] as? [[String: Any]] ?? []).map(consent)
        let history = (sources.consentHistory as? [[String: Any]] ?? []).map(consent)
        let orders = (sources.orders as? [[String: Any]] ?? []).map { order -> [String: Any] in
            let lines = lineSummary(order["lines"])
            return ["orderId": order["orderId"] as? String ?? "", "channel": order["channel"] as? String ?? "", "status": order["status"] as? String ?? "",
                    "store": order["storeId"] as? String ?? "", "mode": (order["fulfilment"] as? [String: Any])?["mode"] as? String ?? "",
                    "total": money(order["totalMinor"], order["currency"], language: language), "placedAt": time(order["placedAt"]),
                    "lines": lines]
        }
        let carts = (sources.view["openCarts"] as? [[String: Any]] ?? []).map { cart -> [String: Any] in
            let lines = lineSummary(cart["lines"])
            return ["channel": cart["lastChannel"] as? String ?? "", "lines": lines, "updatedAt": time(cart["updatedAt"])]
        }
        let messages = (sources.messages as? [[String: Any]] ?? []).map { message -> [String: Any] in
            ["medium": message["medium"] as? String ?? "", "template": message["template"] as? String ?? "",
             "subject": masked ? "" : message["subject"] as? String ?? "", "status": message["status"] as? String ?? "",
             "at": time(message["sentAt"] ?? message["createdAt"])]
        }
        let quotes = (sources.quotes as? [[String: Any]] ?? []).map { quote -> [String: Any] in
            let lines = lineSummary(quote["lines"])
            return ["quoteId": quote["quoteId"] as? String ?? "", "status": quote["status"] as? String ?? "", "channel": quote["channel"] as? String ?? "",
                    "total": money(quote["totalMinor"], quote["currency"], language: language), "validUntil": time(quote["validUntil"]),
                    "lines": lines]
        }
        let movements = ((sources.view["loyalty"] as? [String: Any])?["recentMovements"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
            let points = entry["points"] as? Int ?? 0
            return ["points": points > 0 ? "+\(points)" : "\(points)", "kind": entry["kind"] as? String ?? "", "reason": entry["reason"] as? String ?? "",
                    "at": time(entry["recordedAt"])]
        }
        let journey = sources.journey
        let touchpoints = (journey["touchpointsBeforeFirstPurchase"] as? [[String: Any]] ?? []).map { point -> [String: Any] in
            ["channel": point["channel"] as? String ?? "", "kind": point["kind"] as? String ?? "", "at": time(point["at"])]
        }
        let byChannel = (journey["purchasesByChannel"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
            .map { ["channel": $0.key, "count": "\($0.value)"] }
        return [
            "customerId": sources.view["customerId"] as? String ?? "", "name": name.isEmpty ? "—" : name, "masked": masked,
            "identifiers": identifiers, "addresses": addresses, "hasAddresses": !addresses.isEmpty,
            "consents": consents, "consentHistory": history, "hasConsentHistory": !history.isEmpty,
            "loyalty": "\((sources.view["loyalty"] as? [String: Any])?["balance"] as? Int ?? 0)",
            "segments": (sources.view["segments"] as? [String] ?? []).joined(separator: ", "),
            "orders": orders, "hasOrders": !orders.isEmpty, "carts": carts, "hasCarts": !carts.isEmpty,
            "messages": messages, "hasMessages": !messages.isEmpty, "quotes": quotes, "hasQuotes": !quotes.isEmpty,
            "movements": movements, "hasMovements": !movements.isEmpty,
            "entryChannel": journey["entryChannel"] as? String ?? sources.view["entryChannel"] as? String ?? "—",
            "firstPurchaseChannel": journey["firstPurchaseChannel"] as? String ?? "—",
            "touchpoints": touchpoints, "hasTouchpoints": !touchpoints.isEmpty, "purchasesByChannel": byChannel,
        ]
    }

    private static func consent(_ consent: [String: Any]) -> [String: Any] {
        ["medium": consent["medium"] as? String ?? "", "granted": consent["granted"] as? Bool ?? false,
         "channel": consent["channel"] as? String ?? "", "at": time(consent["recordedAt"])]
    }

    /// An order's, cart's or quote's lines as a person reads them: `2 × Merino socks, 1 × Trail shoe`.
    static func lineSummary(_ lines: Any?) -> String {
        (lines as? [[String: Any]] ?? []).map { "\($0["quantity"] as? Int ?? 0) × \($0["name"] as? String ?? $0["sku"] as? String ?? "")" }
            .joined(separator: ", ")
    }

    /// `2026-12-07T06:39:20Z` → `2026-12-07 06:39`.
    static func time(_ value: Any?) -> String {
        guard let text = value as? String, text.count >= 16 else { return "" }
        return text.prefix(16).replacingOccurrences(of: "T", with: " ")
    }

    static func money(_ minor: Any?, _ currency: Any?, language: String) -> String {
        let amount = Double(minor as? Int ?? 0) / 100
        let code = currency as? String ?? ""
        let text = String(format: "%.2f", amount)
        return language == "fr" ? "\(text.replacingOccurrences(of: ".", with: ",")) \(code == "EUR" ? "€" : code)" : "\(code == "EUR" ? "€" : code + " ")\(text)"
    }
}
