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

    static func add(to router: Router<OmniRequestContext>, console: Console) {
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
            let language = console.language(request)
            var page = console.pages.page("customers", language: language, title: ConsoleText.words(language)["search"] ?? "",
                                          values: console.frame(session: session, member: member).merging(["query": String((request.uri.queryParameters.get("q") ?? "").prefix(200))]) { $1 })
            console.rememberLanguage(request, in: &page)
            return page
        }
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

    /// What every signed-in page shows: who, and the CSRF token of its forms.
    func frame(session: ConsoleSession, member: StaffDirectory.Member) -> [String: Any] {
        ["csrf": session.csrf,
         "member": ["displayName": member.displayName, "role": member.role, "stores": member.stores.joined(separator: ", ")] as [String: Any]]
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
