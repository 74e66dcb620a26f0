import CatalogContracts
import Foundation
import OmniChannel
import Logging
import OmniMessaging
import OrdersContracts
import PostgresNIO
import PromotionsContracts

/// Orders through the full saga from web, app, POS and telesales, as fast as they come back
/// and at a steady rate with placement → confirmation p50/p95/p99. Issue #5's figures run
/// orders, catalog and promotions; the whole system (issue #8) adds customers and
/// notifications (emailing a local SMTP server), which follow every order too.
final class OrdersBench: Sendable {
    let channel: CommandChannel
    let services: [ServiceUnderBench]
    let smtp: SMTPSink?
    private let target: PostgresTarget
    private let warehouse = "wh-bench"
    let store = "st-bench"
    let skus: [String]
    /// What the names of this bench's figures start with.
    private let label: String
    static let outcomes: Set<String> = [OrdersType.orderConfirmed, OrdersType.orderRejected]
    static let sagaServices = ["orders", "catalog", "promotions"]
    static let allServices = ["orders", "catalog", "promotions", "customers", "notifications"]

    init(bootstrap: String, target: PostgresTarget, binDir: URL, skus count: Int, services names: [String] = sagaServices,
         label: String = "orders", mailbox: URL? = nil, environment extra: [String: String] = [:], logger: Logger) async throws {
        self.target = target
        self.label = label
        let smtp = names.contains("notifications") ? SMTPSink(mailbox: mailbox) : nil
        let environment = (smtp.map { ["OMNI_SMTP_PORT": "\($0.port)"] } ?? [:]).merging(extra) { $1 }
        self.smtp = smtp
        services = try names.map { try ServiceUnderBench($0, binDir: binDir, bootstrap: bootstrap, target: target, environment: environment) }
        channel = try await CommandChannel(bootstrap: bootstrap, topics: [Topics.events(.orders), Topics.events(.catalog), Topics.events(.promotions)], logger: logger)
        skus = (0..<count).map { "ORD-BENCH-\($0)" }
    }

    var usageNotes: [String] { services.compactMap(\.usageNote) }

    /// The machine's CPU counters now, with this bench's processes by name.
    func cpuShare() -> CPUShare {
        var names = Dictionary(services.map { ($0.pid, $0.name) }) { first, _ in first }
        if let smtp { names[smtp.pid] = "SMTP sink" }
        return CPUShare.now(named: names)
    }

    /// The largest peak resident set among the services, in MB.
    var largestRSS: Double { services.compactMap { $0.usage()?.peakRSSMB }.max() ?? 0 }

    /// Starts the three services; a warehouse and a store with every sku in stock, a price
    /// for every channel, an automatic promotion and a code; waits until orders knows them.
    func start(unitsPerSku: Int) async throws {
        try await smtp?.start()
        for service in services { try await service.start() }
        let address = UpsertLocation.Address(street: "1 rue Bench", city: "Lille", postalCode: "59000", country: "FR")
        var setup: [UUID] = []
        for location in [UpsertLocation(locationId: warehouse, kind: .warehouse, name: "Bench DC", address: address, coordinates: GeoPoint(latitude: 50.3, longitude: 2.8)),
                         UpsertLocation(locationId: store, kind: .store, name: "Bench store", address: address, coordinates: GeoPoint(latitude: 50.63, longitude: 3.06),
                                        clickAndCollect: true)] {
            setup.append(try await channel.send(CatalogType.upsertLocation, location, to: .catalog, key: location.locationId).id)
        }
        _ = try await channel.waitForOutcomes(of: setup, types: [CatalogType.locationUpserted], timeout: .seconds(60))
        setup = []
        for sku in skus {
            setup.append(try await channel.send(CatalogType.upsertProduct, UpsertProduct(sku: sku, name: sku, category: "bench"), to: .catalog, key: sku).id)
            setup.append(try await channel.send(CatalogType.setPrice, SetPrice(sku: sku, channel: "default", storeId: nil, currency: "EUR", amountMinor: 2_500),
                                                to: .catalog, key: sku).id)
            for location in [warehouse, store] {
                setup.append(try await channel.send(CatalogType.receiveStock, ReceiveStock(sku: sku, locationId: location, quantity: unitsPerSku), to: .catalog, key: sku).id)
            }
        }
        for promotion in [Promotion(promotionId: "second-half", name: "Second at −50 %", kind: .nthItemPercentOff, percent: 50, nth: 2),
                          Promotion(promotionId: "bench10", name: "BENCH10", kind: .percentOff, percent: 10, code: "BENCH10")] {
            setup.append(try await channel.send(PromotionsType.upsertPromotion, promotion, to: .promotions, key: promotion.promotionId).id)
        }
        _ = try await channel.waitForOutcomes(of: setup, types: [CatalogType.productUpserted, CatalogType.priceChanged, CatalogType.stockMovementRecorded,
                                                                 PromotionsType.promotionUpserted, CatalogType.commandRejected, PromotionsType.commandRejected],
                                              timeout: .seconds(120))
        let refused = channel.count(CatalogType.commandRejected, causedBy: setup) + channel.count(PromotionsType.commandRejected, causedBy: setup)
        guard refused == 0 else { throw BenchError("\(refused) set-up commands refused") }
        // Orders prices from its own read model of catalog's events: wait until it has them all.
        let schema = services[0].schema, expected = skus.count
        let deadline = ContinuousClock.now + .seconds(120)
        while try await withClient(target.client(connections: 1), { client in
            try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(schema).prices")).decode(Int.self).first { _ in true } ?? 0
        }) < expected {
            guard ContinuousClock.now < deadline else { throw BenchError("orders' read model did not fill in time") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func stop() async {
        for service in services { service.stop() }
        smtp?.stop()
        await channel.close()
    }

    /// The `index`th order of a run: web and telesales deliver, the app collects, the POS sells at the till.
    func order(_ id: String, index: Int) -> (PlaceOrder, String) {
        let lines = [OrderLineRequest(sku: skus[index % skus.count], quantity: 1 + index % 2), OrderLineRequest(sku: skus[(index * 7 + 3) % skus.count], quantity: 1)]
        let codes = index.isMultiple(of: 3) ? ["BENCH10"] : nil
        // Online buyers leave an address: notifications, when it runs, emails their confirmations.
        let contact = OrderContact(firstName: "Ada", email: "c-\(index % 500)@example.com")
        let delivery = OrderFulfilment(mode: .delivery, address: DeliveryAddress(street: "2 rue B", postalCode: "59000", city: "Lille", country: "FR",
                                                                                 latitude: 50.63, longitude: 3.06))
        switch index % 4 {
        case 0: return (PlaceOrder(orderId: id, channel: "web", customerId: "c-\(index % 500)", lines: lines, promoCodes: codes, fulfilment: delivery,
                                   contact: contact, paymentReference: "psp"), "web")
        case 1: return (PlaceOrder(orderId: id, channel: "app", customerId: "c-\(index % 500)", lines: lines, promoCodes: codes,
                                   fulfilment: OrderFulfilment(mode: .pickup, storeId: store), contact: contact, paymentReference: "psp"), "app")
        case 2: return (PlaceOrder(orderId: id, channel: "pos", storeId: store, lines: lines, promoCodes: codes,
                                   fulfilment: OrderFulfilment(mode: .inStore), paymentReference: "till"), "pos")
        default: return (PlaceOrder(orderId: id, channel: "telesales", customerId: "c-\(index % 500)", lines: lines, promoCodes: codes, fulfilment: delivery,
                                    contact: contact, paymentReference: "psp"), "telesales")
        }
    }

    /// Places the `index`th order of `run` (id `bench-<run>-<index>`); its correlation id and when it went.
    func place(_ index: Int, run: Substring) async throws -> (String, ContinuousClock.Instant) {
        let (command, channelName) = order("bench-\(run)-\(index)", index: index)
        let correlation = UUID().uuidString.lowercased()
        let at = ContinuousClock.now
        try await channel.send(OrdersType.placeOrder, command, to: .orders, key: command.orderId, channel: channelName, correlation: correlation)
        return (correlation, at)
    }

    /// `count` orders, `inFlight` at a time, until every outcome is back.
    func throughput(count: Int, inFlight: Int = 200) async throws -> BenchFigure {
        let run = UUID().uuidString.prefix(6)
        let progress = Progress(channel: channel, phase: "\(label) at the maximum", total: count)
        let started = ContinuousClock.now
        let placed = try await withThrowingTaskGroup(of: (String, ContinuousClock.Instant).self) { group in
            var placed: [(String, ContinuousClock.Instant)] = []
            for index in 0..<count {
                if index >= inFlight, let one = try await group.next() { placed.append(one) }
                group.addTask { try await self.place(index, run: run) }
                progress.placed(index + 1)
            }
            for try await one in group { placed.append(one) }
            return placed
        }
        let last = try await channel.waitForOutcomes(correlations: placed.map(\.0), types: Self.outcomes, timeout: .seconds(900))
        progress.finish()
        let samples = self.samples(placed, since: started)
        return BenchFigure(name: label == "orders" ? "orders: full saga, max rate (web, app, POS, telesales)" : "\(label): orders at the maximum (web, app, POS, telesales)",
                           count: count, seconds: (last - started).seconds, latencies: LatencySummary(milliseconds: samples.map(\.milliseconds)),
                           note: outcomeNote(placed, seconds: (last - started).seconds))
    }

    /// "all confirmed", or how many were rejected (the saga's timeout, above saturation)
    /// and the rate of the confirmed ones alone: the rate of outcomes counts both.
    private func outcomeNote(_ placed: [(String, ContinuousClock.Instant)], seconds: Double) -> String {
        let rejected = placed.filter { channel.outcome(correlation: $0.0, types: Self.outcomes) == OrdersType.orderRejected }.count
        guard rejected > 0 else { return "all confirmed" }
        return "\(rejected) rejected, \(Int((Double(placed.count - rejected) / max(seconds, 0.001)).rounded()))/s confirmed"
    }

    /// Orders at `rate`/s for `seconds`: placement → OrderConfirmed received.
    func latency(rate: Int, seconds: Int) async throws -> BenchFigure {
        let run = UUID().uuidString.prefix(6)
        let ticks = FixedRate(rate: rate, seconds: seconds)
        let total = ticks.total, started = ticks.started
        let progress = Progress(channel: channel, phase: "\(label) at \(rate)/s", total: total)
        let placed = try await withThrowingTaskGroup(of: (String, ContinuousClock.Instant).self) { group in
            var placed: [(String, ContinuousClock.Instant)] = []
            for try await index in ticks {
                group.addTask { try await self.place(index, run: run) }
                progress.placed(index + 1)
            }
            for try await one in group { placed.append(one) }
            return placed
        }
        let last = try await channel.waitForOutcomes(correlations: placed.map(\.0), types: Self.outcomes, timeout: .seconds(300))
        progress.finish()
        let samples = self.samples(placed, since: started)
        return BenchFigure(name: "\(label): placement → confirmation at \(rate)/s", count: total, seconds: (last - started).seconds,
                           latencies: LatencySummary(milliseconds: samples.map(\.milliseconds)), note: outcomeNote(placed, seconds: (last - started).seconds),
                           samples: samples)
    }

    /// POS sales at the bench store while orders run: sale → `AvailabilityChanged`.
    func posSales(rate: Int, seconds: Int) async throws -> BenchFigure {
        try await PosSales(channel: channel, store: store, skus: skus)
            .measure(rate: rate, seconds: seconds, name: "\(label): POS sale → AvailabilityChanged at \(rate)/s, under load")
    }

    private func samples(_ placed: [(String, ContinuousClock.Instant)], since started: ContinuousClock.Instant) -> [LatencySample] {
        placed.compactMap { correlation, at in
            channel.arrival(correlation: correlation, types: Self.outcomes).map { LatencySample(at: (at - started).seconds, milliseconds: ($0 - at).seconds * 1_000) }
        }
    }
}

/// Prints, every two seconds while a phase runs, how many orders went out and came back.
final class Progress: @unchecked Sendable {
    private let channel: CommandChannel
    private let phase: String
    private let total: Int
    private let lock = NSLock()
    private var sent = 0
    private let baseline: Int
    private var task: Task<Void, Never>?

    init(channel: CommandChannel, phase: String, total: Int) {
        self.channel = channel
        self.phase = phase
        self.total = total
        baseline = Self.outcomes(channel)
        let started = ContinuousClock.now
        task = Task { [weak self] in
            var previous = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                guard let self, !Task.isCancelled else { return }
                let back = Self.outcomes(channel) - self.baseline
                let sent = self.lock.withLock { self.sent }
                let line = String(format: "  … %@: %d s, %d/%d placed, %d back (%.0f/s now)\n", phase, Int((ContinuousClock.now - started).seconds),
                                  sent, total, back, Double(back - previous) / 2)
                FileHandle.standardError.write(Data(line.utf8))
                previous = back
            }
        }
    }

    private static func outcomes(_ channel: CommandChannel) -> Int {
        OrdersBench.outcomes.reduce(0) { $0 + channel.count($1) }
    }

    func placed(_ count: Int) { lock.withLock { sent = count } }

    func finish() { task?.cancel() }
}
