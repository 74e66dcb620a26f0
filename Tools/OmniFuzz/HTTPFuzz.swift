import Foundation
import OmniChannel
import OmniMessaging
import PromotionsContracts

/// The HTTP half of the fuzz: random and mutated paths, query strings and bodies on every
/// route of every service (from `Services/<Name>/Core/HTTP/*Routes.swift`). Every answer
/// must be 2xx or 4xx, and every 4xx `application/problem+json` with a title and a detail.
struct HTTPFuzz {
    let services: ServiceEndpoints
    let seed: UInt64
    let count: Int
    let fixture: Fixture
    /// Credentials no service may accept (forged, expired, foreign, mangled): one request in
    /// six carries one, and anything but a 401 on a guarded route is a finding.
    var hostileCredentials: [HostileCredential] = []

    struct Route: Sendable {
        var service: ServiceName
        var method: String
        /// `:name` segments are path parameters.
        var path: String
        var query: [String]
    }

    static let routes: [Route] = {
        let health = ["/health/live", "/health/ready", "/metrics"]
        var routes: [Route] = []
        func add(_ service: ServiceName, _ path: String, _ query: [String] = [], method: String = "GET") {
            routes.append(Route(service: service, method: method, path: path, query: query))
        }
        for service in ServiceName.allCases { for path in health { add(service, path) } }
        add(.catalog, "/products/:sku")
        add(.catalog, "/products", ["category"])
        add(.catalog, "/prices/:sku", ["channel", "store", "at"])
        add(.catalog, "/locations")
        add(.catalog, "/locations/:id")
        add(.catalog, "/availability/:sku", ["channel", "store"])
        add(.catalog, "/availability/:sku/locations/:id")
        add(.catalog, "/availability/:sku/nearby", ["store", "lat", "lon", "radiusKm"])
        add(.catalog, "/stock/:sku/locations/:id", ["limit"])
        add(.catalog, "/reservations/:id")
        add(.customers, "/customers/lookup", ["email", "phone", "loyaltyCard", "social", "anonymous"])
        add(.customers, "/customers/:id/journey")
        add(.customers, "/analytics/journeys")
        add(.customers, "/customers/:id")
        add(.customers, "/customers/:id/timeline", ["limit", "before"])
        add(.customers, "/customers/:id/consents", ["history"])
        add(.customers, "/customers/:id/export")
        add(.customers, "/leads", ["assigneeKind", "assigneeId"])
        add(.customers, "/leads/:id")
        add(.customers, "/lead-rules")
        add(.orders, "/orders/:id")
        add(.orders, "/quotes/:id")
        add(.orders, "/customers/:id/orders", ["limit", "before"])
        add(.orders, "/carts/:owner", ["channel", "store"])
        add(.promotions, "/quotes", method: "POST")
        add(.promotions, "/promotions", ["limit"])
        add(.promotions, "/promotions/:id/codes", ["batch", "after", "limit"])
        add(.promotions, "/promotions/:id")
        add(.notifications, "/customers/:id/messages", ["limit"])
        add(.notifications, "/customers/:id/contact")
        return routes
    }()

    struct Counts: Sendable {
        var sent = 0
        var ok = 0
        var clientError = 0
        var serverError = 0
        var dropped = 0
        var badProblem = 0
    }

    struct Finding: Sendable, CustomStringConvertible {
        var service: ServiceName
        var request: String
        var problem: String
        var description: String { "\(service.rawValue) \(request): \(problem)" }
    }

    struct Request: Sendable {
        var service: ServiceName
        var method: String
        var target: String
        var body: Data?
        var contentType: String?
        /// Nil: the fuzzer's own valid credential.
        var hostile: HostileCredential?
        var label: String { "\(method) \(target.count > 160 ? String(target.prefix(160)) + "…(\(target.utf8.count) bytes)" : target)" + (body.map { " body \($0.count) bytes" } ?? "") }
    }

    func generate() throws -> [Request] {
        var random = SeededRandom(seed: seed ^ 0x4854_5450)
        var requests: [Request] = []
        // Every route once as written, then random ones.
        for route in Self.routes { requests.append(try request(route, random: &random, plain: true)) }
        // The state the commands' extremes left: the fixture's cart priced on every kind of
        // channel (a price times a quantity that does not fit once trapped orders here).
        for target in ["/carts/\(fixture.cartOwner)", "/carts/\(fixture.cartOwner)?channel=web", "/carts/\(fixture.cartOwner)?channel=pos&store=\(fixture.store)"] {
            requests.append(Request(service: .orders, method: "GET", target: target, body: nil, contentType: nil))
        }
        for target in ["/prices/\(fixture.sku)?channel=web", "/availability/\(fixture.sku)?channel=web", "/stock/\(fixture.sku)/locations/\(fixture.store)"] {
            requests.append(Request(service: .catalog, method: "GET", target: target, body: nil, contentType: nil))
        }
        requests.append(Request(service: .customers, method: "GET", target: "/customers/lookup?email=\(Self.encode(fixture.email))", body: nil, contentType: nil))
        while requests.count < count {
            var next = try request(random.pick(Self.routes), random: &random, plain: false)
            if !hostileCredentials.isEmpty, random.chance(1.0 / 6) { next.hostile = random.pick(hostileCredentials) }
            requests.append(next)
        }
        // And each hostile credential once on a guarded route, whatever the dice said.
        for (index, hostile) in hostileCredentials.enumerated() {
            var next = try request(Self.routes.filter { !Self.isOpen($0.path) }[index % 10], random: &random, plain: true)
            next.hostile = hostile
            requests.append(next)
        }
        return requests
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? ""
    }

    private func request(_ route: Route, random: inout SeededRandom, plain: Bool) throws -> Request {
        var mutator = Mutator(random: random.fork())
        let known = [fixture.sku, fixture.store, fixture.warehouse, fixture.promotion, fixture.email, fixture.cartOwner, UUID().uuidString.lowercased()]
        func value() -> String {
            if plain || mutator.random.chance(0.3) { return mutator.random.pick(known) }
            // Long, but under the 80 KB request head NIO's parser accepts (past it, it answers a bare 400).
            if mutator.random.chance(0.15) { return String(repeating: mutator.random.pick(["x", "é", "漢", "🙂", "'"]), count: mutator.random.pick([300, 1_000, 2_000])) }
            return mutator.random.pick(Mutator.hostileStrings + Mutator.hostileNumbers + ["-1", "0", "1001", "abc", "nan", "inf", "1e400", "web", "pos",
                                                                                              "2024-13-40T25:00:00Z", "true"])
        }
        var path = route.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? Self.encode(value()) : String(segment)
        }.joined(separator: "/")
        var method = route.method
        if !plain {
            switch mutator.random.int(0..<10) {
            case 0: path += "/" + Self.encode(value())
            case 1: path += "/"
            case 2: path = path.replacingOccurrences(of: "/", with: "//")
            case 3: path = "/" + Self.encode(value()) + path
            case 4: method = mutator.random.pick(["POST", "PUT", "DELETE", "PATCH"])
            case 5: path += "/../../" + mutator.random.pick(["etc/passwd", "metrics", "%2e%2e"])
            default: break
            }
        }
        var query: [String] = []
        if plain {
            if route.query.contains("channel") { query.append("channel=web") }
            if route.query.contains("email") { query.append("email=" + Self.encode(fixture.email)) }
        } else {
            for name in route.query where mutator.random.chance(0.6) { query.append("\(name)=\(Self.encode(value()))") }
            if mutator.random.chance(0.2) { query.append("\(Self.encode(value()))=\(Self.encode(value()))") }
            if mutator.random.chance(0.1), let name = route.query.first { query.append("\(name)=a&\(name)=b") }
            if mutator.random.chance(0.05) { query.append("%zz=%") }
        }
        let target = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        guard method == "POST" || method == "PUT" || method == "PATCH" else {
            return Request(service: route.service, method: method, target: target)
        }
        // A body: a valid quote request, mutated, malformed or under the wrong content type.
        let basket = Basket(channel: "web", currency: "EUR", lines: [BasketLine(lineId: "l1", sku: fixture.sku, category: "shoes", quantity: 2, unitPriceMinor: 4_999)])
        let valid = JSONValue.object([("basket", try JSONValue(encoding: basket)), ("codes", .array([.string(fixture.code)]))])
        if plain { return Request(service: route.service, method: method, target: target, body: Data(valid.bytes), contentType: "application/json") }
        var contentType: String? = "application/json"
        let body: [UInt8]
        switch mutator.random.int(0..<10) {
        case 0: body = Array(mutator.random.pick(["", "{", "{\"basket\":", "[]", "null", "not json", "{\"basket\": {}}"]).utf8)
        case 1:
            body = valid.bytes
            contentType = mutator.random.pick(["text/plain", "application/xml", "multipart/form-data", nil])
        case 2: body = Array(repeating: UInt8(ascii: " "), count: 1 << 20 + 10) + valid.bytes
        default: body = mutator.mutate(valid).value
        }
        return Request(service: route.service, method: method, target: target, body: Data(body), contentType: contentType)
    }

    static func isOpen(_ path: String) -> Bool { path.hasPrefix("/health/") || path == "/metrics" }

    /// The path a server routes: the query dropped and dot segments removed (RFC 3986 §5.2.4),
    /// so `/reservations/x/../../metrics` is the open `/metrics` it reaches.
    static func resolvedPath(_ target: String) -> String {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        return URL(string: "http://omni.local" + path)?.standardized.path ?? path
    }

    /// Sends every request (a few at a time) and checks every answer.
    func run() async throws -> (counts: [ServiceName: Counts], findings: [Finding]) {
        let requests = try generate()
        var counts: [ServiceName: Counts] = [:]
        var findings: [Finding] = []
        let services = self.services
        for chunk in stride(from: 0, to: requests.count, by: 8) {
            let slice = Array(requests[chunk..<min(requests.count, chunk + 8)])
            let answers = await withTaskGroup(of: (Int, Result<ServiceEndpoints.Answer, any Error>).self) { group in
                for (index, request) in slice.enumerated() {
                    group.addTask {
                        do {
                            return (index, .success(try await services.send(request.service, method: request.method, target: request.target,
                                                                              body: request.body, contentType: request.contentType,
                                                                              authorization: request.hostile.map { $0.header } ?? .some(services.authorization))))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var answers: [(Int, Result<ServiceEndpoints.Answer, any Error>)] = []
                for await answer in group { answers.append(answer) }
                return answers.sorted { $0.0 < $1.0 }
            }
            for (index, result) in answers {
                let request = slice[index]
                counts[request.service, default: Counts()].sent += 1
                switch result {
                case .failure(let error):
                    if error is FuzzError { counts[request.service]!.sent -= 1; continue }  // a URL Foundation refuses to build: not sent
                    counts[request.service]!.dropped += 1
                    findings.append(Finding(service: request.service, request: request.label, problem: "no answer: \(error.localizedDescription)"))
                case .success(let answer):
                    if let hostile = request.hostile, !Self.isOpen(Self.resolvedPath(request.target)), answer.status != 401 {
                        findings.append(Finding(service: request.service, request: request.label,
                                                problem: "\(hostile.name) credential answered \(answer.status), not 401"))
                    }
                    switch answer.status {
                    case 200..<300:
                        counts[request.service]!.ok += 1
                    case 400..<500:
                        counts[request.service]!.clientError += 1
                        if let problem = Self.problemJSONDefect(answer) {
                            counts[request.service]!.badProblem += 1
                            findings.append(Finding(service: request.service, request: request.label, problem: "\(answer.status): \(problem)"))
                        }
                    default:
                        counts[request.service]!.serverError += 1
                        findings.append(Finding(service: request.service, request: request.label,
                                                problem: "\(answer.status): \(String(decoding: answer.body.prefix(300), as: UTF8.self))"))
                    }
                }
            }
        }
        return (counts, findings)
    }

    /// What is wrong with a 4xx body, or nil when it is problem+json with a title and a detail.
    static func problemJSONDefect(_ answer: ServiceEndpoints.Answer) -> String? {
        guard answer.contentType.hasPrefix("application/problem+json") else { return "content type '\(answer.contentType)', not application/problem+json" }
        struct Problem: Decodable {
            var title: String?
            var detail: String?
        }
        guard let problem = try? JSONDecoder().decode(Problem.self, from: answer.body) else { return "body is not a problem object" }
        if (problem.title ?? "").isEmpty { return "no title" }
        if (problem.detail ?? "").isEmpty { return "no detail (title '\(problem.title ?? "")')" }
        return nil
    }
}
