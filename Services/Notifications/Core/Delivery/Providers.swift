import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NotificationsContracts
import OmniMessaging

/// One rendered message on its way to a provider.
struct Outgoing: Sendable {
    var messageId: String
    var medium: DeliveryRules.Medium
    var address: String
    var subject: String
    var body: String
}

/// Why a provider did not take a message: worth another try (`transient`) or not.
struct DeliveryFailure: Error, CustomStringConvertible {
    var transient: Bool
    var description: String
}

/// Sends each medium through its provider: email over our SMTP client, SMS and push as
/// JSON to HTTP webhooks (AsyncHTTPClient), with the message id as `Idempotency-Key` so a
/// provider can drop a copy.
struct Providers: Sendable {
    struct Webhooks: Sendable {
        var sms: String?
        var push: String?
    }

    let smtp: SMTPClient
    let from: String
    let webhooks: Webhooks
    let http: HTTPClient
    let timeout: Duration

    init(smtp: SMTPClient, from: String, webhooks: Webhooks, http: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.smtp = smtp
        self.from = from
        self.webhooks = webhooks
        self.http = http
        self.timeout = timeout
    }

    /// What a webhook provider receives.
    struct WebhookPayload: Codable, Sendable {
        var messageId: String
        var to: String
        var title: String?
        var text: String
    }

    func send(_ message: Outgoing) async throws(DeliveryFailure) {
        switch message.medium {
        case .email:
            do {
                try await smtp.send(SMTPClient.Message(from: from, to: message.address, subject: message.subject, body: message.body, messageId: message.messageId))
            } catch let refused as SMTPClient.Refused {
                throw DeliveryFailure(transient: refused.isTransient, description: refused.description)
            } catch {
                throw DeliveryFailure(transient: true, description: "SMTP: \(error)")
            }
        case .sms:
            try await post(to: webhooks.sms, medium: "sms", WebhookPayload(messageId: message.messageId, to: message.address, title: nil, text: message.body))
        case .push:
            try await post(to: webhooks.push, medium: "push",
                           WebhookPayload(messageId: message.messageId, to: message.address, title: message.subject, text: message.body))
        }
    }

    /// A 2xx is taken; a 4xx is the provider refusing this message (a malformed number),
    /// final; a 5xx or no answer is worth another try.
    private func post(to url: String?, medium: String, _ payload: WebhookPayload) async throws(DeliveryFailure) {
        guard let url else { throw DeliveryFailure(transient: false, description: "no \(medium) provider configured") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: payload.messageId)
        let response: HTTPClientResponse
        let body: String
        do {
            request.body = .bytes(ByteBuffer(data: try JSONCoding.encoder.encode(payload)))
            response = try await http.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
            body = String(buffer: try await response.body.collect(upTo: 64 * 1024))
        } catch {
            throw DeliveryFailure(transient: true, description: "\(medium) provider unreachable: \(error)")
        }
        switch response.status.code {
        case 200..<300: return
        case 400..<500 where response.status.code != 429:
            throw DeliveryFailure(transient: false, description: "\(medium) provider refused (\(response.status.code)): \(body.prefix(200))")
        default:
            throw DeliveryFailure(transient: true, description: "\(medium) provider answered \(response.status.code): \(body.prefix(200))")
        }
    }
}
