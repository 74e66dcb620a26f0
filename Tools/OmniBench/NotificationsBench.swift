import Foundation
import OmniChannel
import Logging
import NotificationsContracts
import NotificationsCore
import OmniMessaging
import OrdersContracts

/// Issue #7's figure on the real notifications process: order confirmations published as
/// orders would, each rendered from its template and delivered to a local SMTP server
/// (Debian's `python3-aiosmtpd`, discarding), until every `NotificationSent` is back;
/// next to the rate the same SMTP server takes from our SMTP client alone.
final class NotificationsBench: @unchecked Sendable {
    private let channel: CommandChannel
    private let service: ServiceUnderBench
    private let smtp = SMTPSink()

    init(bootstrap: String, target: PostgresTarget, binDir: URL, logger: Logger) async throws {
        service = try ServiceUnderBench("notifications", binDir: binDir, bootstrap: bootstrap, target: target,
                                        environment: ["OMNI_SMTP_PORT": "\(smtp.port)"])
        channel = try await CommandChannel(bootstrap: bootstrap, topics: [Topics.events(.notifications)], logger: logger)
    }

    func start() async throws {
        try await smtp.start()
        try await service.start()
    }

    func stop() async {
        service.stop()
        smtp.stop()
        await channel.close()
    }

    var usageNotes: [String] { [service.usageNote].compactMap { $0 } }

    /// The SMTP server alone: our client sending `count` messages, `connections` at a time.
    func smtpBaseline(count: Int, connections: Int = 32) async throws -> BenchFigure {
        let client = SMTPClient(configuration: .init(host: "127.0.0.1", port: smtp.port))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= connections { try await group.next() }
                group.addTask {
                    try await client.send(.init(from: "bench@omni.local", to: "c\(index)@example.com", subject: "Order confirmed", body: "Hello\n"))
                }
            }
            try await group.waitForAll()
        }
        return BenchFigure(name: "SMTP server alone (our client, \(connections) at a time)", count: count, seconds: (ContinuousClock.now - started).seconds)
    }

    /// `count` order confirmations published at once → rendered (Mustache, the customer's
    /// language) → sent over SMTP → `NotificationSent` received.
    func confirmations(count: Int) async throws -> BenchFigure {
        let run = UUID().uuidString.prefix(6).lowercased()
        let line = OrderLine(lineId: "1", sku: "lamp", name: "Arc lamp", category: "home", quantity: 2, unitPriceMinor: 4_900)
        let started = ContinuousClock.now
        var published: [(String, ContinuousClock.Instant)] = []
        try await withThrowingTaskGroup(of: (String, ContinuousClock.Instant).self) { group in
            for index in 0..<count {
                if index >= 500, let sent = try await group.next() { published.append(sent) }
                let orderId = "bench-\(run)-\(index)"
                let order = OrderSnapshot(orderId: orderId, status: "confirmed", channel: ["web", "app", "pos", "telesales"][index % 4], storeId: nil,
                                          customerId: nil, currency: "EUR", lines: [line], promoCodes: [], fulfilment: OrderFulfilment(mode: .delivery),
                                          contact: OrderContact(firstName: "Ada", email: "\(orderId)@example.com"), subtotalMinor: 9_800, discountMinor: 0,
                                          totalMinor: 9_800, placedAt: Date())
                group.addTask {
                    let at = ContinuousClock.now
                    try await self.channel.publish(OrdersType.orderConfirmed, OrderEvent(order: order), of: .orders, key: orderId, correlation: orderId)
                    return (orderId, at)
                }
            }
            for try await sent in group { published.append(sent) }
        }
        let outcomes: Set<String> = [NotificationsType.notificationSent, NotificationsType.notificationFailed, NotificationsType.notificationSuppressed]
        let last = try await channel.waitForOutcomes(correlations: published.map(\.0), types: outcomes, timeout: .seconds(600))
        let sent = published.filter { channel.outcome(correlation: $0.0, types: outcomes) == NotificationsType.notificationSent }.count
        let latencies = published.compactMap { id, at in
            channel.arrival(correlation: id, types: [NotificationsType.notificationSent]).map { ($0 - at).seconds * 1_000 }
        }
        return BenchFigure(name: "notifications: order confirmed → email rendered and delivered to SMTP", count: count, seconds: (last - started).seconds,
                           latencies: LatencySummary(milliseconds: latencies), note: sent == count ? "all sent" : "\(count - sent) not sent")
    }
}
