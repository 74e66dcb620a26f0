import Foundation
import HTTPTypes
import Hummingbird
import OmniAuth
import OmniPersistence
import OmniRuntime

/// The command door: `POST /commands/{type}` publishes a command as the credential allows
/// and waits (bounded) for its outcome; `GET /outcomes/{id}` tells it later.
enum CommandRoutes {
    /// The longest a request waits for an outcome before answering 202.
    static let longestWait: Duration = .seconds(10)
    static let defaultWait: Duration = .seconds(2)

    static func add(to router: Router<OmniRequestContext>, database: Database, signals: OutcomeSignals, limiter: RateLimiter) {
        router.post("/commands/:type") { request, context in
            guard let credential = context.credential else { throw ProblemDetails.unauthorized(.missing) }
            try limiter.admit(credential.subject)
            let wait = try waitParameter(request)
            let body = try await request.body.collect(upTo: 1 << 20)
            let type = try context.parameters.require("type")
            let admitted: AdmittedCommand
            do throws(AdmissionRefusal) {
                admitted = try CommandAdmission.admit(type: type, body: Array(buffer: body), idempotencyKey: request.headers[.idempotencyKey],
                                                      credential: credential)
            } catch {
                throw error.problem
            }
            let (record, isNew) = try await CommandLog.record(admitted, database: database)
            guard record.digest == admitted.digest else {
                throw ProblemDetails(status: .unprocessableContent, type: "https://omni.example/problems/idempotency-key-reused", title: "Idempotency key reused",
                                     detail: "this Idempotency-Key was first used for another command (\(record.type)); use a new key for a new command")
            }
            context.logger.info("command sent", metadata: ["type": "\(admitted.command.type)", "id": "\(admitted.id)", "replay": "\(!isNew)"])
            let answered = try await outcome(of: record, waiting: wait, database: database, signals: signals)
            return try answer(answered, replayed: !isNew)
        }
        router.get("/outcomes/:id") { request, context in
            guard let credential = context.credential else { throw ProblemDetails.unauthorized(.missing) }
            try limiter.admit(credential.subject)
            let text = try context.parameters.require("id")
            // Only the client that sent a command learns about it.
            guard let id = UUID(uuidString: text), let record = try await CommandLog.find(id, database: database), record.client == credential.subject else {
                throw ProblemDetails.notFound("no command \(text.prefix(100)) sent by this client")
            }
            let answered = try await outcome(of: record, waiting: try waitParameter(request, default: .zero), database: database, signals: signals)
            return try Response.jsonBody(OutcomeBody(answered), status: .ok, headers: HTTPFields())
        }
    }

    /// `?wait=2s` or `?wait=500ms`, at most 10 s (`longestWait`).
    static func waitParameter(_ request: Request, default fallback: Duration = defaultWait) throws -> Duration {
        guard let text = request.uri.queryParameters.get("wait") else { return fallback }
        guard let wait = parseWait(text) else { throw ProblemDetails.invalidQuery("wait", "a duration such as 2s or 500ms, at most 10s") }
        return wait
    }

    static func parseWait(_ text: String) -> Duration? {
        let milliseconds = text.hasSuffix("ms")
        guard milliseconds || text.hasSuffix("s") else { return nil }
        let digits = text.dropLast(milliseconds ? 2 : 1)
        guard (1...5).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) else { return nil }
        let wait: Duration = milliseconds ? .milliseconds(number) : .seconds(number)
        return wait <= longestWait ? wait : nil
    }

    /// The record once it has an outcome, or as it stands when `wait` is over.
    static func outcome(of record: CommandRecord, waiting wait: Duration, database: Database, signals: OutcomeSignals) async throws -> CommandRecord {
        var record = record
        let deadline = ContinuousClock.now + wait
        while record.outcome == nil, ContinuousClock.now < deadline {
            // A signal wakes it at once; the timeout is the backstop for a lost notification.
            await signals.nap(for: record.id, upTo: min(deadline - ContinuousClock.now, .milliseconds(250)))
            record = try await CommandLog.find(record.id, database: database) ?? record
        }
        return record
    }

    /// 200 with the success event, 422 problem+json with the refusal's reason, 202 with a
    /// link to poll while there is no outcome yet.
    static func answer(_ record: CommandRecord, replayed: Bool) throws -> Response {
        var headers = HTTPFields()
        if replayed { headers[.idempotentReplayed] = "true" }
        let body = OutcomeBody(record)
        guard let outcome = record.outcome else {
            headers[.location] = body.poll
            headers[.retryAfter] = "1"
            return try Response.jsonBody(body, status: .accepted, headers: headers)
        }
        guard outcome.status == 422 else { return try Response.jsonBody(body, status: .ok, headers: headers) }
        headers[.contentType] = "application/problem+json"
        let reason = body.outcome?.data.flatMap(RejectionReason.init(json:))
        let problem = RejectionProblem(
            title: "Command rejected", detail: reason?.message ?? "\(record.type) was refused (\(outcome.type))", reasonCode: reason?.code ?? "rejected",
            commandId: body.commandId, outcome: body.outcome)
        return try Response.jsonBody(problem, status: .unprocessableContent, headers: headers, contentType: "application/problem+json")
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}

extension Response {
    static func jsonBody(_ value: some Encodable, status: HTTPResponse.Status, headers: HTTPFields, contentType: String = "application/json") throws -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.outcomes.encode(value))))
    }
}

extension JSONEncoder {
    static var outcomes: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension AdmissionRefusal {
    var problem: ProblemDetails {
        switch self {
        case .unknownType:
            return ProblemDetails(status: .notFound, type: "https://omni.example/problems/unknown-command", title: "Unknown command", detail: description)
        case .missingIdempotencyKey, .invalidIdempotencyKey:
            return ProblemDetails(status: .badRequest, type: "https://omni.example/problems/idempotency-key", title: "Idempotency key required", detail: description)
        case .malformed:
            return ProblemDetails(status: .badRequest, type: "https://omni.example/problems/invalid-command", title: "Invalid command", detail: description)
        case .missingScope(let scope):
            return .forbidden(.missingScope(scope), scope: scope)
        case .staffOnly, .channelNotAllowed, .otherChannel, .otherStore:
            var problem = ProblemDetails(status: .forbidden, type: "https://omni.example/problems/forbidden", title: "Forbidden", detail: description)
            problem.challenge = "Bearer realm=\"omni\", error=\"insufficient_scope\""
            return problem
        }
    }
}
