import Foundation
import HTTPTypes
import Hummingbird
import OmniAuth
import OmniMessaging
import OmniRuntime

/// A person's data from every service in one JSON document (GDPR access request): each
/// service answers its own part (`GET /customers/{id}/export`, read with the caller's own
/// credential, so each service checks the scope and logs the read under the caller's
/// name), and the edge puts them together. A service that does not answer is named in
/// `missing` and the document says it is not complete.
enum ExportRoutes {
    /// The services holding data on people; catalog holds none (stock, prices, and
    /// reservations by order only).
    static let parts = ["customers", "orders", "notifications", "promotions"]

    static func add(to router: Router<OmniRequestContext>, reader: ServiceReader) {
        // `customers:export` is personal data: only staff credentials pass (`authorize`).
        router.get("/exports/customers/:id", requires: .customersExport) { request, context in
            let id = try context.parameters.require("id")
            guard UUID(uuidString: id) != nil else { throw ProblemDetails.notFound("no customer \(id.prefix(100))") }
            let token = String((request.headers[.authorization] ?? "").dropFirst("Bearer ".count))
            // The customers service knows the person (and the survivor of merged profiles).
            let profile = await reader.tryGet("customers", "/customers/\(id)/export", token: token)
            guard profile.status == 200, let customerId = profile.object["customerId"] as? String else {
                let status: HTTPResponse.Status = profile.status == 410 ? .gone : profile.status == 404 ? .notFound : .badGateway
                throw ProblemDetails(status: status, title: status == .badGateway ? "Customers did not answer" : "No such customer",
                                     detail: "customers answered \(profile.status) for \(id)")
            }
            var found: [String: Any] = ["customers": profile.json ?? [:]]
            var missing: [String] = []
            await withTaskGroup(of: (String, ServiceReader.Answer).self) { group in
                for service in parts.dropFirst() {
                    group.addTask { (service, await reader.tryGet(service, "/customers/\(customerId)/export", token: token)) }
                }
                for await (service, answer) in group {
                    if answer.status == 200, let json = answer.json { found[service] = json } else { missing.append("\(service): \(answer.status)") }
                }
            }
            context.logger.notice("personal data exported", metadata: ["customer": "\(customerId)", "by": "\(context.credential?.subject ?? "")"])
            let document: [String: Any] = [
                "customerId": customerId, "exportedAt": Timestamp.format(Date()), "complete": missing.isEmpty, "missing": missing.sorted(),
                "parts": found, "catalog": "holds no personal data: stock, prices, and reservations by order only",
            ]
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.contentDisposition] = "attachment; filename=\"omni-export-\(customerId).json\""
            let body = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
