import Foundation
import HTTPTypes
import Hummingbird
import OmniAuth
import OmniRuntime

/// The console's pages under `/console`: sign in and out, then the customer pages. Routes
/// here authenticate by the session cookie (`selfAuthenticatedPrefixes`), not a bearer.
enum ConsoleRoutes {
    static let sessionCookie = "omni_session"
    static let loginCSRFCookie = "omni_login_csrf"
    static let languageCookie = "omni_lang"

    static func add(to router: Router<OmniRequestContext>, console: Console, feed: ConsoleFeed, signals: OutcomeSignals) {
        StockRoutes.add(to: router, console: console, feed: feed)
        DeskRoutes.add(to: router, console: console, feed: feed, signals: signals)
        StockOrderRoutes.add(to: router, console: console, signals: signals)
        router.get("/console") { request, _ in
            let signedIn = try await console.signedIn(request) != nil
            return ConsolePages.redirect(to: signedIn ? "/console/customers" : "/console/login")
        }
        router.get("/console/assets/console.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: console.pages.stylesheet)))
        }
        router.get("/console/assets/console.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: console.pages.script)))
        }
        router.get("/console/customers/:id/events") { request, context in
            // An open 360 page's live feed: server-sent events for as long as the session
            // lasts (the browser reconnects, and the session is checked again).
            guard try await console.signedIn(request) != nil else {
                return Response(status: .unauthorized, headers: ConsolePages.securityHeaders)
            }
            let id = try context.parameters.require("id")
            guard UUID(uuidString: id) != nil else { return Response(status: .notFound, headers: ConsolePages.securityHeaders) }
            return eventStream(feed.subscribe(key: id.lowercased()), until: console.configuration.idleTimeout)
        }
        router.get("/console/login") { request, _ in
            if try await console.signedIn(request) != nil { return ConsolePages.redirect(to: "/console/customers") }
            return console.loginPage(request, language: console.language(request))
        }
        router.post("/console/login") { request, context in
            let language = console.language(request)
            let form = try await formFields(request)
            guard let expected = request.cookies[loginCSRFCookie]?.value, !expected.isEmpty, form["csrf"] == expected else {
                return console.loginPage(request, language: language, error: ConsoleText.words(language)["formExpired"], status: .forbidden)
            }
            guard console.isConfigured else {
                return console.loginPage(request, language: language, error: ConsoleText.words(language)["notConfigured"], status: .serviceUnavailable)
            }
            let name = StaffDirectory.normalise(form["name"] ?? "")
            let throttled = String(name.prefix(64))
            if let failures = try await ConsoleSessions.failures(of: throttled, database: console.database),
               let wait = LoginThrottle.wait(failures: failures.count, last: failures.last, now: Date()) {
                let seconds = Int(wait.rounded(.up))
                var page = console.loginPage(request, language: language, name: name,
                                             error: ConsoleText.words(language)["tooMany"]?.replacingOccurrences(of: "%@", with: "\(seconds)"),
                                             status: .tooManyRequests)
                page.headers[.retryAfter] = "\(seconds)"
                return page
            }
            guard let member = try await console.verify(name: name, password: form["password"] ?? "") else {
                try await ConsoleSessions.recordFailure(of: throttled, database: console.database)
                context.logger.notice("console sign-in refused", metadata: ["name": "\(throttled)"])
                return console.loginPage(request, language: language, name: name, error: ConsoleText.words(language)["wrongPassword"], status: .unauthorized)
            }
            try await ConsoleSessions.clearFailures(of: throttled, database: console.database)
            let (cookie, _) = try await ConsoleSessions.open(member: member.name, lifetime: console.configuration.sessionLifetime, database: console.database)
            context.logger.info("console sign-in", metadata: ["member": "\(member.name)", "role": "\(member.role)"])
            return ConsolePages.redirect(to: "/console/customers", cookies: [
                console.cookie(sessionCookie, cookie, maxAge: Int(console.configuration.sessionLifetime)),
                console.cookie(loginCSRFCookie, "", maxAge: 0, path: "/console/login"),
            ])
        }
        router.post("/console/logout") { request, _ in
            guard let (session, _) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let form = try await formFields(request)
            guard form["csrf"] == session.csrf, let cookie = request.cookies[sessionCookie]?.value else {
                return console.pages.page("login", language: console.language(request), title: "403",
                                          values: ["error": ConsoleText.words(console.language(request))["formExpired"] ?? ""], status: .forbidden)
            }
            try await ConsoleSessions.close(cookie: cookie, database: console.database)
            return ConsolePages.redirect(to: "/console/login", cookies: [console.cookie(sessionCookie, "", maxAge: 0)])
        }
        router.get("/console/customers") { request, _ in
            guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let language = console.language(request), words = ConsoleText.words(language)
            let typed = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
            var values = console.frame(session: session, member: member).merging(["query": typed]) { $1 }
            if let query = CustomerQuery.parse(typed), let token = try await console.token(for: member, reading: [.customersRead]) {
                let matches = try await console.find(query, token: token, masked: !console.seesPersonalData(member))
                // One customer for a phone, an email or a card: straight to the 360 view.
                if matches.count == 1, query.lookup != nil, let id = matches.first?["customerId"] as? String {
                    return ConsolePages.redirect(to: "/console/customers/\(id)")
                }
                values["results"] = matches
                values["hasResults"] = !matches.isEmpty
                if matches.isEmpty { values["noResult"] = (words["noResult"] ?? "").replacingOccurrences(of: "%@", with: typed) }
            }
            var page = console.pages.page("customers", language: language, title: words["search"] ?? "", values: values)
            console.rememberLanguage(request, in: &page)
            return page
        }
        router.get("/console/customers/:id") { request, context in
            guard let (session, member) = try await console.signedIn(request) else { return ConsolePages.redirect(to: "/console/login") }
            let language = console.language(request), words = ConsoleText.words(language)
            let id = try context.parameters.require("id")
            let masked = !console.seesPersonalData(member)
            guard UUID(uuidString: id) != nil, let token = try await console.token(for: member, reading: [.customersRead, .notificationsRead, .ordersRead]) else {
                return console.refusal("customers", titleKey: "search", language: language, session: session, member: member,
                                       slot: "noResult", message: (words["notFound"] ?? "").replacingOccurrences(of: "%@", with: String(id.prefix(60))), status: .notFound)
            }
            let reader = console.reader, path = "/customers/\(id)"
            async let view = reader.tryGet("customers", path, token: token)
            async let history = reader.tryGet("customers", path + "/consents?history=true", token: token)
            async let journey = reader.tryGet("customers", path + "/journey", token: token)
            async let orders = reader.tryGet("orders", path + "/orders?limit=20", token: token)
            async let messages = reader.tryGet("notifications", path + "/messages?limit=20", token: token)
            async let quotes = reader.tryGet("orders", path + "/quotes?limit=20", token: token)
            let found = await view
            guard found.status == 200 else {
                return console.refusal("customers", titleKey: "search", language: language, session: session, member: member,
                                       slot: "noResult", message: (words["notFound"] ?? "").replacingOccurrences(of: "%@", with: id), status: .notFound)
            }
            let sources = CustomerPage.Sources(view: found.object, consentHistory: (await history).json as? [Any] ?? [], journey: (await journey).object,
                                               orders: (await orders).object["orders"] as? [Any] ?? [], messages: (await messages).object["messages"] as? [Any] ?? [],
                                               quotes: (await quotes).object["quotes"] as? [Any] ?? [])
            let customer = CustomerPage.values(sources, masked: masked, language: language)
            var values = console.frame(session: session, member: member)
            values["customer"] = customer
            var page = console.pages.page("customer", language: language, title: customer["name"] as? String ?? "", values: values)
            console.rememberLanguage(request, in: &page)
            return page
        }
    }

    /// Server-sent events from `events`, for at most `until` seconds (an hour at most): the
    /// browser then reconnects, and the session is checked again.
    static func eventStream(_ events: AsyncStream<String>, until seconds: TimeInterval) -> Response {
        var headers = ConsolePages.securityHeaders
        headers[.contentType] = "text/event-stream"
        let until = ContinuousClock.now + .seconds(Int64(min(seconds, 3_600)))
        let body = ResponseBody { writer in
            for await text in events {
                try await writer.write(ByteBuffer(string: text))
                if ContinuousClock.now > until { break }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A urlencoded form body of at most 16 KiB, as name → value (the first of a repeated
    /// name; fields the page does not send are ignored).
    static func formFields(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 16 << 10)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String { String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decoded(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decoded(parts[1]) : "" }
        }
        return fields
    }
}

extension Console {
    /// The customers `query` finds: one by an identifier, or those whose name holds it.
    func find(_ query: CustomerQuery, token: String, masked: Bool) async throws -> [[String: Any]] {
        func match(_ customer: [String: Any], first: String?, last: String?, detail: String) -> [String: Any] {
            let name = masked ? [Masking.name(first), Masking.name(last)].filter { !$0.isEmpty }.joined(separator: " ")
                : [first, last].compactMap { $0 }.joined(separator: " ")
            return ["customerId": customer["customerId"] as? String ?? "", "name": name.isEmpty ? "—" : name, "detail": detail]
        }
        if let (parameter, value) = query.lookup {
            let answer = await lookup(parameter, value, token: token)
            guard answer.status == 200 else { return [] }
            let profile = answer.object["profile"] as? [String: Any] ?? [:]
            return [match(answer.object, first: profile["firstName"] as? String, last: profile["lastName"] as? String,
                          detail: masked ? Masking.identifier(kind: parameter == "loyaltyCard" ? "loyalty-card" : parameter, value: value) : value)]
        }
        guard case .name(let name) = query else { return [] }
        let answer = await reader.tryGet("customers", "/customers/search?name=\(queryValue(name))", token: token)
        return (answer.object["customers"] as? [[String: Any]] ?? []).map {
            match($0, first: $0["firstName"] as? String, last: $0["lastName"] as? String, detail: "")
        }
    }

    /// The one customer a phone, an email or a card names (customers' lookup).
    func lookup(_ parameter: String, _ value: String, token: String) async -> ServiceReader.Answer {
        await reader.tryGet("customers", "/customers/lookup?\(parameter)=\(queryValue(value))", token: token)
    }

    /// The session of the request's cookie and its member, if both are still valid.
    func signedIn(_ request: Request) async throws -> (ConsoleSession, StaffDirectory.Member)? {
        guard let cookie = request.cookies[ConsoleRoutes.sessionCookie]?.value, !cookie.isEmpty, cookie.count <= 100 else { return nil }
        guard let session = try await ConsoleSessions.find(cookie: cookie, idle: configuration.idleTimeout, database: database),
              let member = member(named: session.member) else { return nil }
        return (session, member)
    }

    func language(_ request: Request) -> String {
        ConsoleText.language(query: request.uri.queryParameters.get("lang"), cookie: request.cookies[ConsoleRoutes.languageCookie]?.value,
                             acceptLanguage: request.headers[.acceptLanguage])
    }

    /// Keeps a language picked with `?lang=` for the next pages.
    func rememberLanguage(_ request: Request, in response: inout Response) {
        guard let picked = request.uri.queryParameters.get("lang"), ConsoleText.languages.contains(picked) else { return }
        response.setCookie(cookie(ConsoleRoutes.languageCookie, picked, maxAge: 365 * 86_400))
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, path: String = "/console") -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: configuration.secureCookie, httpOnly: true, sameSite: .strict)
    }

    /// A signed-in page that shows why it has nothing else to show: `message` in the
    /// template's `slot` (`noResult`, `problem`).
    func refusal(_ template: String, titleKey: String, language: String, session: ConsoleSession, member: StaffDirectory.Member,
                 slot: String, message: String, status: HTTPResponse.Status) -> Response {
        pages.page(template, language: language, title: ConsoleText.words(language)[titleKey] ?? "",
                   values: frame(session: session, member: member).merging([slot: message]) { $1 }, status: status)
    }

    /// What every signed-in page shows: who, and the CSRF token of its forms.
    func frame(session: ConsoleSession, member: StaffDirectory.Member) -> [String: Any] {
        var shown: [String: Any] = ["displayName": member.displayName, "role": member.role]
        if !member.stores.isEmpty { shown["stores"] = member.stores.joined(separator: ", ") }
        return ["csrf": session.csrf, "member": shown]
    }

    /// The sign-in page with a fresh login CSRF token (double-submitted: cookie and form).
    func loginPage(_ request: Request, language: String, name: String = "", error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let csrf = ConsoleSessions.randomToken()
        var values: [String: Any] = ["csrf": csrf, "name": name]
        if let error { values["error"] = error }
        var page = pages.page("login", language: language, title: ConsoleText.words(language)["signInTitle"] ?? "", values: values, status: status)
        page.setCookie(cookie(ConsoleRoutes.loginCSRFCookie, csrf, maxAge: 3600, path: "/console/login"))
        rememberLanguage(request, in: &page)
        return page
    }
}
