import Hummingbird
import OmniAuth

/// The request context of every Omni route: Hummingbird's core plus the caller's verified
/// credential (set by `AuthenticationMiddleware`) and the PII access log.
public struct OmniRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Nil only on the open operational routes.
    public var credential: Credential?
    var accessLog: PIIAccessLog?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The credential, if it holds `scope` (and, for personal data, is staff's; for a
    /// store's data, may act for `store`); 401/403 problem+json otherwise.
    @discardableResult
    public func authorize(_ scope: Scope, store: String? = nil) throws(ProblemDetails) -> Credential {
        guard let credential else { throw .unauthorized(.missing) }
        guard credential.holds(scope) else { throw .forbidden(.missingScope(scope), scope: scope) }
        if scope.isPersonalData, credential.kind != .staff { throw .forbidden(.staffOnly(scope), scope: scope) }
        if let store, !credential.mayActFor(store: store) { throw .forbidden(.otherStore(store), scope: scope) }
        return credential
    }

    /// Writes who read which customer's personal data (after the read succeeded).
    public func recordPersonalDataAccess(customer: String, action: String) async throws {
        guard let credential, let accessLog else { return }
        try await accessLog.record(PIIAccess(credential: credential, customerID: customer, action: action,
                                             route: endpointPath ?? "?"))
    }
}

extension ProblemDetails {
    /// 401: the credential is missing or cannot be trusted.
    public static func unauthorized(_ failure: AuthFailure) -> ProblemDetails {
        var problem = ProblemDetails(status: .unauthorized, type: "https://omni.example/problems/unauthorized",
                                     title: "Unauthorized", detail: failure.description)
        problem.challenge = failure == .missing ? "Bearer realm=\"omni\"" : "Bearer realm=\"omni\", error=\"invalid_token\""
        return problem
    }

    /// 403: a trusted credential that may not do this; names the scope the route needs.
    public static func forbidden(_ failure: AuthFailure, scope: Scope) -> ProblemDetails {
        var problem = ProblemDetails(status: .forbidden, type: "https://omni.example/problems/forbidden",
                                     title: "Forbidden", detail: failure.description)
        problem.requiredScope = scope.rawValue
        problem.challenge = "Bearer realm=\"omni\", error=\"insufficient_scope\", scope=\"\(scope.rawValue)\""
        return problem
    }
}
