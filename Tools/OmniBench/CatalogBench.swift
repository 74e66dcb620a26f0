import CatalogContracts
import Foundation
import OmniChannel
import Logging
import OmniMessaging
import PostgresNIO

/// Issue #3's figures on the real catalog process: reservations/s sustained (commands
/// published as fast as the channel can, until every outcome is back), and POS sale
/// command → `AvailabilityChanged` received by a consumer, p50/p99, at a steady rate.
final class CatalogBench: Sendable {
    private let channel: CommandChannel
    private let service: ServiceUnderBench
    private let store = "st-bench"
    private let skus: [String]

    init(bootstrap: String, target: PostgresTarget, binDir: URL, skus count: Int, logger: Logger) async throws {
        service = try ServiceUnderBench("catalog", binDir: binDir, bootstrap: bootstrap, target: target)
        channel = try await CommandChannel(bootstrap: bootstrap, topics: [Topics.events(.catalog)], logger: logger)
        skus = (0..<count).map { "BENCH-\($0)" }
    }

    /// Starts catalog and loads a store with every sku in stock (enough for the whole run).
    func start(unitsPerSku: Int) async throws {
        try await service.start()
        let location = UpsertLocation(locationId: store, kind: .store, name: "Bench store",
                                      address: .init(street: "1 rue Bench", city: "Lille", postalCode: "59000", country: "FR"),
                                      coordinates: GeoPoint(latitude: 50.63, longitude: 3.06), clickAndCollect: true)
        // The store first: stock commands for it are refused until catalog knows it.
        let upserted = try await channel.send(CatalogType.upsertLocation, location, to: .catalog, key: store).id
        _ = try await channel.waitForOutcomes(of: [upserted], types: [CatalogType.locationUpserted], timeout: .seconds(60))
        var setup: [UUID] = []
        for sku in skus {
            setup.append(try await channel.send(CatalogType.upsertProduct, UpsertProduct(sku: sku, name: sku, category: "bench"), to: .catalog, key: sku).id)
            setup.append(try await channel.send(CatalogType.receiveStock, ReceiveStock(sku: sku, locationId: store, quantity: unitsPerSku), to: .catalog, key: sku).id)
        }
        _ = try await channel.waitForOutcomes(of: setup, types: [CatalogType.productUpserted, CatalogType.stockMovementRecorded, CatalogType.commandRejected],
                                              timeout: .seconds(120))
        let refused = channel.count(CatalogType.commandRejected, causedBy: setup)
        guard refused == 0 else { throw BenchError("catalog refused \(refused) set-up commands; see \(service.logFile.path)") }
    }

    func stop() async {
        service.stop()
        await channel.close()
    }

    var usageNotes: [String] { [service.usageNote].compactMap { $0 } }

    /// `count` click & collect reservations of one unit, `inFlight` at a time.
    func reservations(count: Int, inFlight: Int = 200) async throws -> BenchFigure {
        let run = UUID().uuidString.prefix(6)
        let started = ContinuousClock.now
        let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
            var ids: [UUID] = []
            for index in 0..<count {
                if index >= inFlight, let id = try await group.next() { ids.append(id) }
                let orderId = "bench-\(run)-\(index)", sku = skus[index % skus.count]
                let channelName = ["web", "app", "kiosk", "tablet"][index % 4]
                group.addTask {
                    try await self.channel.send(CatalogType.reserveStock, ReserveStock(
                        reservationId: "res-\(orderId)", orderId: orderId, channel: channelName, lines: [SkuQuantity(sku: sku, quantity: 1)],
                        fulfilment: .pickup(at: self.store)), to: .catalog, key: orderId, channel: channelName).id
                }
            }
            for try await id in group { ids.append(id) }
            return ids
        }
        let last = try await channel.waitForOutcomes(of: ids, types: [CatalogType.stockReserved, CatalogType.stockReservationFailed, CatalogType.commandRejected],
                                                     timeout: .seconds(600))
        let seconds = (last - started).seconds
        let failed = channel.count(CatalogType.stockReservationFailed, causedBy: ids) + channel.count(CatalogType.commandRejected, causedBy: ids)
        return BenchFigure(name: "catalog: reservations (click & collect, 1 line, \(skus.count) skus)", count: count, seconds: seconds,
                           note: failed == 0 ? "all reserved" : "\(failed) refused")
    }

    /// POS sales at `rate`/s for `seconds`: command sent → `AvailabilityChanged` it caused, received.
    func posSaleToAvailability(rate: Int, seconds: Int) async throws -> BenchFigure {
        try await PosSales(channel: channel, store: store, skus: skus).measure(rate: rate, seconds: seconds)
    }
}

/// Sales rung up at a store's till at a steady rate: how long until the
/// `AvailabilityChanged` each one caused reached a channel.
struct PosSales {
    let channel: CommandChannel
    let store: String
    let skus: [String]

    func measure(rate: Int, seconds: Int, name: String? = nil) async throws -> BenchFigure {
        let run = UUID().uuidString.prefix(6)
        let ticks = FixedRate(rate: rate, seconds: seconds)
        let total = ticks.total, started = ticks.started
        var sent: [(UUID, ContinuousClock.Instant)] = []
        try await withThrowingTaskGroup(of: (UUID, ContinuousClock.Instant).self) { group in
            for try await index in ticks {
                let sku = skus[index % skus.count]
                group.addTask {
                    let at = ContinuousClock.now
                    let command = try await channel.send(CatalogType.recordPosSale, RecordPosSale(saleId: "sale-\(run)-\(index)", storeId: store,
                                                                                                lines: [SkuQuantity(sku: sku, quantity: 1)]),
                                                         to: .catalog, key: sku, channel: "pos")
                    return (command.id, at)
                }
            }
            for try await pair in group { sent.append(pair) }
        }
        // v1 too: `--compare` measures builds from before v2 with this bench.
        let changed: Set<String> = [CatalogType.availabilityChanged, CatalogType.availabilityChangedV1]
        let last = try await channel.waitForOutcomes(of: sent.map(\.0), types: changed, timeout: .seconds(300))
        let samples = sent.compactMap { id, at in
            channel.arrival(causedBy: id, types: changed).map { LatencySample(at: (at - started).seconds, milliseconds: ($0 - at).seconds * 1_000) }
        }
        return BenchFigure(name: name ?? "catalog: POS sale → AvailabilityChanged at \(rate)/s", count: total, seconds: (last - started).seconds,
                           latencies: LatencySummary(milliseconds: samples.map(\.milliseconds)), samples: samples)
    }
}
