import CatalogContracts
import Foundation
import OmniMessaging
import Testing

@Suite("Catalog: reservations, live availability, no oversell (real processes)")
struct CatalogReservationTests {
    struct Availability: Decodable {
        struct Location: Decodable { var locationId: String; var available: Int; var reserved: Int; var onHand: Int }
        var available: Int
        var locations: [Location]
    }
    struct Reservation: Decodable { var status: String; var closeReason: String?; var allocations: [Allocation] }

    @Test("a reservation of several skus answers with a level per sku on StockReserved and publishes no AvailabilityChanged of its own")
    func oneAvailabilityEventPerReservation() async throws {
        let stack = try await ServiceStack(.catalog)
        let shoe = CatalogFixtures(), sock = CatalogFixtures()
        try await shoe.load(into: stack, stock: [shoe.store: 3])
        try await sock.load(into: stack, stock: [sock.store: 5])
        let reserve = ReserveStock(reservationId: "res-two-\(shoe.sku)", orderId: "ord-two-\(shoe.sku)", channel: "app",
                                   lines: [.init(sku: shoe.sku, quantity: 1), .init(sku: sock.sku, quantity: 2)], fulfilment: .pickup(at: shoe.store))
        let outcome = try await stack.performReservation(CatalogType.reserveStock, reserve, key: reserve.orderId)
        #expect(outcome.type == CatalogType.stockReserved)
        let levels = try #require(try outcome.payload(StockReserved.self).levels).sorted { $0.sku < $1.sku }
        let expected = [(shoe.sku, 2, 3), (sock.sku, 3, 5)].sorted { $0.0 < $1.0 }
        #expect(levels.map(\.sku) == expected.map(\.0))
        #expect(levels.map(\.available) == expected.map(\.1))
        #expect(levels.map(\.previousAvailable) == expected.map(\.2))
        #expect(levels.allSatisfy { $0.locationId == shoe.store })
        // Nothing else about availability came from that command.
        try await Task.sleep(for: .milliseconds(300))
        #expect(stack.watcher.events(CatalogType.availabilityChanged).filter { $0.causationID == outcome.causationID }.isEmpty)
        // Released, the units come back: that is an AvailabilityChanged (back in stock may follow), one for both skus.
        let release = try await stack.performReservation(CatalogType.releaseReservation, ReleaseReservation(reservationId: reserve.reservationId, reason: "test"),
                                                         key: reserve.orderId)
        let back = try await stack.watcher.first(CatalogType.availabilityChanged) { $0.causationID == release.causationID }
        let backSkus = Set(try back.payload(AvailabilityChanged.self).levels.map(\.sku))
        #expect(back.subject == reserve.orderId && backSkus == [shoe.sku, sock.sku])
    }

    @Test("click & collect reserves at the store, every channel sees it at once; commit makes it a sale")
    func clickAndCollect() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 3, f.warehouse: 20])
        let reserve = ReserveStock(reservationId: "res-cc-1", orderId: "ord-cc-1", channel: "web", lines: [.init(sku: f.sku, quantity: 2)],
                                   fulfilment: .pickup(at: f.store), holdSeconds: 3600)
        let outcome = try await stack.performReservation(CatalogType.reserveStock, reserve, key: reserve.orderId)
        #expect(outcome.type == CatalogType.stockReserved)
        #expect(try outcome.payload(StockReserved.self).allocations == [Allocation(sku: f.sku, locationId: f.store, quantity: 2)])
        #expect(outcome.correlationID != nil && outcome.causationID != nil)

        // The availability it moved rides on the answer: the one place, 2 held, 1 left.
        let levels = try #require(try outcome.payload(StockReserved.self).levels)
        #expect(levels.map(\.locationId) == [f.store] && levels.map(\.reserved) == [2] && levels.map(\.available) == [1] && levels.map(\.previousAvailable) == [3])
        #expect(try await stack.getJSON("/availability/\(f.sku)?channel=pos&store=\(f.store)", as: Availability.self).available == 1)
        #expect(try await stack.getJSON("/availability/\(f.sku)?channel=kiosk&store=\(f.store)", as: Availability.self).available == 1)
        // The web sells the warehouse and ship-from-store stores, not the click & collect-only store.
        #expect(try await stack.getJSON("/availability/\(f.sku)?channel=web", as: Availability.self).available == 20)

        let committed = try await stack.performReservation(CatalogType.commitReservation, CommitReservation(reservationId: "res-cc-1"), key: reserve.orderId)
        #expect(try committed.payload(ReservationCommitted.self).allocations == [Allocation(sku: f.sku, locationId: f.store, quantity: 2)])
        let store = try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: Availability.Location.self)
        #expect(store.onHand == 1 && store.reserved == 0 && store.available == 1)
        #expect(try await stack.getJSON("/reservations/res-cc-1", as: Reservation.self).status == "committed")

        // Nothing is released twice.
        let again = try await stack.performReservation(CatalogType.releaseReservation, ReleaseReservation(reservationId: "res-cc-1"), key: reserve.orderId)
        #expect(try again.payload(CommandRejected.self).reasonCode == "reservation-closed")
        #expect(try await TestStack.ledgerMismatches(stack.schema) == [])
        await stack.stop()
    }

    @Test("a till sale (sell): sold as it is reserved, nothing held; a retry answers the same; a release undoes it once; in-store only")
    func soldAtTheTill() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 3, f.warehouse: 20])
        let sale = ReserveStock(reservationId: "res-till-1", orderId: "ord-till-1", channel: "pos", lines: [.init(sku: f.sku, quantity: 2)],
                                fulfilment: .inStore(at: f.store), sell: true)
        let outcome = try await stack.performReservation(CatalogType.reserveStock, sale, key: sale.orderId)
        let sold = try outcome.payload(StockReserved.self)
        #expect(sold.sold == true && sold.allocations == [Allocation(sku: f.sku, locationId: f.store, quantity: 2)])
        #expect(sold.levels?.map(\.onHand) == [1] && sold.levels?.map(\.reserved) == [0] && sold.levels?.map(\.available) == [1])
        // Its ledger row rides on the answer: no StockMovementRecorded of its own.
        let row = try #require(sold.movements?.first)
        #expect(sold.movements?.count == 1 && row.kind == .orderSale && row.quantity == -2 && row.onHandAfter == 1 && row.reference == "ord-till-1")
        var store = try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: Availability.Location.self)
        #expect(store.onHand == 1 && store.reserved == 0)
        #expect(try await stack.getJSON("/reservations/res-till-1", as: Reservation.self).status == "committed")
        // Asked again: the same answer, nothing sold twice; a commit has nothing left to do.
        let retried = try await stack.performReservation(CatalogType.reserveStock, sale, key: sale.orderId)
        #expect(try retried.payload(StockReserved.self).sold == true)
        let commit = try await stack.performReservation(CatalogType.commitReservation, CommitReservation(reservationId: "res-till-1"), key: sale.orderId)
        #expect(try commit.payload(CommandRejected.self).reasonCode == "reservation-closed")
        store = try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: Availability.Location.self)
        #expect(store.onHand == 1)

        // The saga refused the order after all: the goods go back on the shelf, once.
        let undone = try await stack.performReservation(CatalogType.releaseReservation, ReleaseReservation(reservationId: "res-till-1", reason: "order-rejected"),
                                                        key: sale.orderId)
        #expect(try undone.payload(ReservationReleased.self).reason == "order-rejected")
        let putBack = try await stack.watcher.first(CatalogType.stockMovementRecorded) { try $0.payload(StockMovementRecorded.self).reference == "ord-till-1" }
        let undoing = try putBack.payload(StockMovementRecorded.self)
        #expect(undoing.quantity == 2 && undoing.onHandAfter == 3 && undoing.movementId > row.movementId && undoing.reason == "sale undone: order-rejected")
        #expect(stack.watcher.events(CatalogType.stockMovementRecorded).filter { (try? $0.payload(StockMovementRecorded.self).reference) == "ord-till-1" }.count == 1)
        store = try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: Availability.Location.self)
        #expect(store.onHand == 3 && store.reserved == 0 && store.available == 3)
        #expect(try await stack.getJSON("/reservations/res-till-1", as: Reservation.self).status == "released")
        let twice = try await stack.performReservation(CatalogType.releaseReservation, ReleaseReservation(reservationId: "res-till-1"), key: sale.orderId)
        #expect(try twice.payload(CommandRejected.self).reasonCode == "reservation-closed")
        #expect(try await TestStack.ledgerMismatches(stack.schema) == [])

        // Only what is taken at the till is sold at once.
        let shipped = ReserveStock(reservationId: "res-till-2", orderId: "ord-till-2", channel: "pos", lines: [.init(sku: f.sku, quantity: 1)],
                                   fulfilment: .delivery(to: nil), sell: true)
        let refused = try await stack.performReservation(CatalogType.reserveStock, shipped, key: shipped.orderId)
        #expect(try refused.payload(CommandRejected.self).reasonCode == "sell-in-store-only")
        await stack.stop()
    }

    @Test("a store that stops click & collect is refused on the very next reservation: the locations kept in memory are dropped when Postgres says they changed")
    func locationChangeSeenAtOnce() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 5])
        func reserve(_ n: Int) async throws -> CloudEvent {
            try await stack.performReservation(CatalogType.reserveStock, ReserveStock(reservationId: "res-ref-\(n)", orderId: "ord-ref-\(n)", channel: "web",
                                                                                    lines: [.init(sku: f.sku, quantity: 1)], fulfilment: .pickup(at: f.store)),
                                               key: "ord-ref-\(n)")
        }
        // Twice: the second is served from the copy the first one read.
        #expect(try await reserve(1).type == CatalogType.stockReserved)
        #expect(try await reserve(2).type == CatalogType.stockReserved)
        let (_, metrics) = try await stack.http(.catalog).get("/metrics")
        let hits = metrics.split(separator: "\n").first { $0.hasPrefix("omni_reference_cache_reads_total{outcome=\"hit\"}") }
        #expect((hits?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 1, "the copy was used: \(hits ?? "no hits counted")")
        for round in 0..<3 {
            var store = try #require(f.locations.first { $0.locationId == f.store })
            store.clickAndCollect = round.isMultiple(of: 2) ? false : true
            #expect(try await stack.perform(CatalogType.upsertLocation, store, key: f.store).type == CatalogType.locationUpserted)
            let next = try await reserve(3 + round)
            if round.isMultiple(of: 2) {
                #expect(try next.payload(CommandRejected.self).reasonCode == "no-click-and-collect", "round \(round)")
            } else {
                #expect(next.type == CatalogType.stockReserved, "round \(round)")
            }
        }
        await stack.stop()
    }

    @Test("delivery: one location with everything, else split; short anywhere → failed with the shortfall per line")
    func deliverySourcing() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.warehouse: 2, f.nearbyStore: 3, f.store: 50])
        let lille = GeoPoint(latitude: 50.63, longitude: 3.07)
        // Every availability change says what the online channels may now promise: the
        // warehouse and the ship-from-store store, not the click & collect-only one.
        func online(at location: String, available: Int) async throws -> Int {
            let level = { (event: CloudEvent) throws in
                try event.payload(AvailabilityChanged.self).levels.first { $0.sku == f.sku && $0.locationId == location && $0.available == available }
            }
            return try #require(try level(try await stack.watcher.first(CatalogType.availabilityChanged) { try level($0) != nil })).onlineAvailable
        }
        #expect(try await online(at: f.store, available: 50) == 0)
        #expect(try await online(at: f.nearbyStore, available: 3) == 3)
        #expect(try await online(at: f.warehouse, available: 2) == 5)

        let whole = try await stack.performReservation(CatalogType.reserveStock, ReserveStock(
            reservationId: "res-d-1", orderId: "ord-d-1", channel: "app", lines: [.init(sku: f.sku, quantity: 3)], fulfilment: .delivery(to: lille)), key: "ord-d-1")
        #expect(try whole.payload(StockReserved.self).allocations == [Allocation(sku: f.sku, locationId: f.nearbyStore, quantity: 3)])
        // The reservation's own availability rides on its answer.
        let moved = try #require(try whole.payload(StockReserved.self).levels)
        #expect(moved.map(\.locationId) == [f.nearbyStore] && moved.map(\.available) == [0] && moved.map(\.onlineAvailable) == [2])

        _ = try await stack.performReservation(CatalogType.releaseReservation, ReleaseReservation(reservationId: "res-d-1", reason: "cart-abandoned"), key: "ord-d-1")
        let released = try await stack.watcher.first(CatalogType.reservationReleased) { try $0.payload(ReservationReleased.self).reservationId == "res-d-1" }
        #expect(try released.payload(ReservationReleased.self).reason == "cart-abandoned")

        let split = try await stack.performReservation(CatalogType.reserveStock, ReserveStock(
            reservationId: "res-d-2", orderId: "ord-d-2", channel: "web", lines: [.init(sku: f.sku, quantity: 4)], fulfilment: .delivery(to: lille)), key: "ord-d-2")
        #expect(Set(try split.payload(StockReserved.self).allocations) == [Allocation(sku: f.sku, locationId: f.nearbyStore, quantity: 3),
                                                                           Allocation(sku: f.sku, locationId: f.warehouse, quantity: 1)])

        let short = try await stack.performReservation(CatalogType.reserveStock, ReserveStock(
            reservationId: "res-d-3", orderId: "ord-d-3", channel: "web", lines: [.init(sku: f.sku, quantity: 5)], fulfilment: .delivery(to: nil)), key: "ord-d-3")
        #expect(short.type == CatalogType.stockReservationFailed)
        #expect(try short.payload(StockReservationFailed.self).shortfall == [.init(sku: f.sku, requested: 5, available: 1)])
        await stack.stop()
    }

    @Test("a hold that runs out is released by itself")
    func expiry() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 2])
        let reserved = try await stack.performReservation(CatalogType.reserveStock, ReserveStock(
            reservationId: "res-x-1", orderId: "ord-x-1", channel: "web", lines: [.init(sku: f.sku, quantity: 2)],
            fulfilment: .pickup(at: f.store), holdSeconds: 1), key: "ord-x-1")
        #expect(reserved.type == CatalogType.stockReserved)
        let released = try await stack.watcher.first(CatalogType.reservationReleased, timeout: .seconds(20)) {
            try $0.payload(ReservationReleased.self).reservationId == "res-x-1"
        }
        #expect(try released.payload(ReservationReleased.self).reason == "expired")
        // Released by the timer, yet in the journey: caused by the ReserveStock that made the hold.
        #expect(released.correlationID == reserved.correlationID && released.causationID == reserved.causationID && released.causationID != nil)
        #expect(try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: Availability.Location.self).available == 2)
        #expect(try await stack.getJSON("/reservations/res-x-1", as: Reservation.self).closeReason == "expired")
        await stack.stop()
    }

    @Test("stores near a store or a point, nearest first, with their availability")
    func nearby() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.nearbyStore: 4, f.farStore: 9])
        struct Nearby: Decodable { struct Store: Decodable { var locationId: String; var available: Int; var distanceKm: Double }; var stores: [Store] }
        let near = try await stack.getJSON("/availability/\(f.sku)/nearby?store=\(f.store)&radiusKm=50", as: Nearby.self)
        #expect(near.stores.map(\.locationId) == [f.nearbyStore])
        #expect(near.stores.first?.available == 4)
        let all = try await stack.getJSON("/availability/\(f.sku)/nearby?lat=50.63&lon=3.06&radiusKm=2000", as: Nearby.self)
        #expect(all.stores.map(\.locationId) == [f.store, f.nearbyStore, f.farStore])
        await stack.stop()
    }

    @Test("240 channels racing for the last 10 units across two replicas: exactly 10 succeed, the rest are told why")
    func noOversell() async throws {
        let stack = try await ServiceStack(.catalog, replicas: 2)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 10])
        let channels = ["web", "app", "telesales", "social", "marketplace", "pos"]
        var commands: [CloudEvent] = []
        try await withThrowingTaskGroup(of: CloudEvent.self) { group in
            for n in 0..<240 {
                let channel = channels[n % channels.count]
                group.addTask {
                    if channel == "pos" {
                        return try await stack.send(CatalogType.recordPosSale, RecordPosSale(saleId: "till-\(n)", storeId: f.store, lines: [.init(sku: f.sku, quantity: 1)]),
                                                    key: f.sku, channel: "pos")
                    }
                    let order = "race-\(n)"
                    return try await stack.send(CatalogType.reserveStock, ReserveStock(
                        reservationId: order, orderId: order, channel: channel, lines: [.init(sku: f.sku, quantity: 1)],
                        fulfilment: .pickup(at: f.store), holdSeconds: 3600), key: order, channel: channel)
                }
            }
            for try await command in group { commands.append(command) }
        }
        var succeeded = 0, refused = 0
        for command in commands {
            let types: Set<String> = command.type == CatalogType.recordPosSale
                ? [CatalogType.stockMovementRecorded, CatalogType.commandRejected] : CatalogType.reservationOutcomes
            let outcome = try await stack.watcher.outcome(of: command.id, types: types, timeout: .seconds(120))
            switch outcome.type {
            case CatalogType.stockReserved, CatalogType.stockMovementRecorded: succeeded += 1
            case CatalogType.stockReservationFailed: refused += 1
            case CatalogType.commandRejected:
                #expect(try outcome.payload(CommandRejected.self).reasonCode == "insufficient-stock")
                refused += 1
            default: Issue.record("unexpected \(outcome.type)")
            }
        }
        #expect(succeeded == 10)
        #expect(refused == 230)
        let store = try await stack.getJSON("/availability/\(f.sku)/locations/\(f.store)", as: Availability.Location.self)
        #expect(store.available == 0 && store.onHand - store.reserved == 0 && store.onHand >= 0)
        #expect(try await TestStack.ledgerMismatches(stack.schema) == [])
        // Both replicas took part.
        var handledBy = 0
        for replica in stack.replicas where try await replica.metric("omni_messages_consumed_total", labels: ["outcome=\"handled\""]) > 0 { handledBy += 1 }
        #expect(handledBy == 2)
        await stack.stop()
    }
}
