import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads the services' HTTP routes for the console, with the member's short-lived
/// credential, as JSON values for the pages.
struct ServiceReader: Sendable {
    let services: [String: String]

    struct Answer: @unchecked Sendable {
        var status: Int
        /// The body as `JSONSerialization` reads it (dictionaries, arrays, strings, numbers).
        var json: Any?
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    func get(_ service: String, _ path: String, token: String) async throws -> Answer {
        guard let base = services[service] else { return Answer(status: 0, json: nil) }
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 8 << 20)
        return Answer(status: Int(response.status.code), json: try? JSONSerialization.jsonObject(with: Data(buffer: body)))
    }

    /// `get`, or an empty answer when the service is down (the page shows what it has).
    func tryGet(_ service: String, _ path: String, token: String) async -> Answer {
        (try? await get(service, path, token: token)) ?? Answer(status: 0, json: nil)
    }
}

/// Percent-encodes a value for a query string.
func queryValue(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
}
