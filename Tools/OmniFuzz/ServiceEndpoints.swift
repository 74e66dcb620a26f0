import Foundation
import OmniMessaging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where each service answers HTTP, and (optionally) its process id.
struct ServiceEndpoints: Sendable {
    var baseURLs: [ServiceName: String]
    var pids: [ServiceName: Int32]
    /// The fuzzer's own `Authorization` value: a valid operator credential.
    var authorization: String

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 20
        configuration.httpMaximumConnectionsPerHost = 8
        return URLSession(configuration: configuration)
    }()

    struct Answer: Sendable {
        var status: Int
        var contentType: String
        var body: Data
    }

    /// One request; nil body for a GET. Throws when the connection fails or is dropped.
    /// `authorization`: nil sends none; by default the fuzzer's own.
    func send(_ service: ServiceName, method: String, target: String, body: Data? = nil, contentType: String? = nil,
              authorization: String?? = .none) async throws -> Answer {
        guard let base = baseURLs[service], let url = URL(string: base + target) else { throw FuzzError("unusable URL \(target)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let value = authorization ?? self.authorization { request.setValue(value, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as? HTTPURLResponse
        return Answer(status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "", body: data)
    }

    /// `omni_messages_consumed_total` per topic, summed over the services that read it.
    func consumedCounts(topics: Set<String>) async -> [String: Int] {
        var counts: [String: Int] = [:]
        for service in ServiceName.allCases {
            guard let answer = try? await send(service, method: "GET", target: "/metrics") else { continue }
            for line in String(decoding: answer.body, as: UTF8.self).split(separator: "\n") where line.hasPrefix("omni_messages_consumed_total{") {
                guard let topic = topics.first(where: { line.contains("topic=\"\($0)\"") }),
                      let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
                counts[topic, default: 0] += Int(value)
            }
        }
        return counts
    }

    /// Problems after the run: a service not ready, a process gone.
    func aliveAndReady() async -> [String] {
        var problems: [String] = []
        for service in ServiceName.allCases {
            if let pid = pids[service], kill(pid, 0) != 0 { problems.append("\(service.rawValue): process \(pid) is gone") }
            do {
                let answer = try await send(service, method: "GET", target: "/health/ready")
                if answer.status != 200 { problems.append("\(service.rawValue): /health/ready answered \(answer.status)") }
            } catch {
                problems.append("\(service.rawValue): /health/ready failed: \(error.localizedDescription)")
            }
        }
        return problems
    }
}

struct FuzzError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
