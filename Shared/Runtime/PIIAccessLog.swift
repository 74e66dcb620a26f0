import Foundation
import Hummingbird
import OmniAuth
import OmniPersistence
import PostgresNIO

/// One read of a customer's personal data.
public struct PIIAccess: Codable, Sendable {
    public var at: Date?
    public var subject: String
    public var role: String
    public var credentialId: String
    public var customerId: String
    public var action: String
    public var route: String
}

extension PIIAccess {
    init(credential: Credential, customerID: String, action: String, route: String) {
        self.init(at: nil, subject: credential.subject, role: credential.role, credentialId: credential.id, customerId: customerID,
                  action: action, route: route)
    }
}

/// The `pii_access_log` table every service keeps (shared migration 0005), and the DPO's
/// `GET /pii-access` over it.
struct PIIAccessLog: Sendable {
    let database: Database

    func record(_ access: PIIAccess) async throws {
        try await database.query("""
            INSERT INTO pii_access_log (subject, role, credential_id, customer_id, action, route)
            VALUES (\(access.subject), \(access.role), \(access.credentialId), \(access.customerId), \(access.action), \(access.route))
            """)
    }

    /// Newest first, by customer and/or by who read, since a time.
    func entries(customer: String?, subject: String?, since: Date?, limit: Int) async throws -> [PIIAccess] {
        let rows = try await database.query("""
            SELECT at, subject, role, credential_id, customer_id, action, route FROM pii_access_log
            WHERE (\(customer)::text IS NULL OR customer_id = \(customer)::text)
              AND (\(subject)::text IS NULL OR subject = \(subject)::text)
              AND (\(since)::timestamptz IS NULL OR at >= \(since)::timestamptz)
            ORDER BY at DESC, id DESC LIMIT \(limit)
            """)
        return try rows.map { row in
            let (at, subject, role, credential, customer, action, route) = try row.decode((Date, String, String, String, String, String, String).self)
            return PIIAccess(at: at, subject: subject, role: role, credentialId: credential, customerId: customer, action: action, route: route)
        }
    }
}

struct PIIAccessPage: Codable, Sendable {
    var service: String
    var entries: [PIIAccess]
}

extension Router where Context == OmniRequestContext {
    /// `GET /pii-access?customer=&subject=&since=&limit=`: the DPO's view of who read whose data.
    func addPersonalDataAccessRoute(service: String, log: PIIAccessLog) {
        get("/pii-access", requires: .piiAudit) { request, _ in
            let query = request.uri.queryParameters
            let entries = try await log.entries(customer: query.get("customer"), subject: query.get("subject"),
                                                since: try request.time("since"), limit: try request.limit(default: 200))
            return Response.json(PIIAccessPage(service: service, entries: entries))
        }
    }
}
