import CatalogContracts
import Foundation
import OmniMessaging
import PostgresNIO
import Testing

/// The catalog service as a channel sees it: commands on `catalog.commands`, outcomes on
/// `catalog.events`, state over HTTP — against the real executable, Postgres and broker.
@Suite("Catalog: products, prices, locations, the stock ledger (real process)")
struct CatalogStockTests {
    @Test("products and channel prices are upserted, announced in full, and resolved per channel and store")
    func productsAndPrices() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [:])
        let upserted = try await stack.watcher.first(CatalogType.productUpserted) { try $0.payload(ProductUpserted.self).sku == f.sku }
        #expect(try upserted.payload(ProductUpserted.self).attributes == ["size": "42"])

        let sale = Date().addingTimeInterval(-60)
        for price in [
            SetPrice(sku: f.sku, channel: "default", currency: "EUR", amountMinor: 8999),
            SetPrice(sku: f.sku, channel: "pos", storeId: f.store, currency: "EUR", amountMinor: 8499),
            SetPrice(sku: f.sku, channel: "web", currency: "EUR", amountMinor: 6999, validFrom: sale, validTo: sale.addingTimeInterval(3600)),
        ] {
            let outcome = try await stack.perform(CatalogType.setPrice, price, key: f.sku)
            #expect(outcome.type == CatalogType.priceChanged)
        }
        struct Price: Decodable { var amountMinor: Int64; var currency: String; var fromChannel: String }
        #expect(try await stack.getJSON("/prices/\(f.sku)?channel=web", as: Price.self).amountMinor == 6999)
        #expect(try await stack.getJSON("/prices/\(f.sku)?channel=pos&store=\(f.store)", as: Price.self).amountMinor == 8499)
        let app = try await stack.getJSON("/prices/\(f.sku)?channel=app", as: Price.self)
        #expect(app.amountMinor == 8999 && app.fromChannel == "default")
        let later = Timestamp.format(sale.addingTimeInterval(7200))
        #expect(try await stack.getJSON("/prices/\(f.sku)?channel=web&at=\(later)", as: Price.self).amountMinor == 8999)
        struct Product: Decodable { var name: String; var category: String }
        #expect(try await stack.getJSON("/products/\(f.sku)", as: Product.self).category == "shoes")

        // The network as the channels read it: the flags resolved (absent ones false, active by default).
        let network = try await stack.getJSON("/locations", as: [UpsertLocation].self)
        #expect(Set(network.map(\.locationId)) == Set(f.locations.map(\.locationId)))
        let warehouse = try #require(network.first { $0.locationId == f.warehouse })
        #expect(warehouse.clickAndCollect == false && warehouse.shipFromStore == false && warehouse.active == true && warehouse.openingHours == [])
        let station = try await stack.getJSON("/locations/\(f.nearbyStore)", as: UpsertLocation.self)
        #expect(station.name == "Lille Gare" && station.clickAndCollect == true && station.shipFromStore == true && station.openingHours?.count == 2)
        #expect(try await stack.http.get("/locations/nowhere").0 == 404)
        await stack.stop()
    }

    @Test("every movement is a ledger row and on-hand always equals the ledger's sum")
    func ledger() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.warehouse: 50, f.store: 10])
        _ = try await stack.perform(CatalogType.adjustStock, AdjustStock(sku: f.sku, locationId: f.store, delta: -2, reason: "damaged"), key: f.sku)
        _ = try await stack.perform(CatalogType.transferStock, TransferStock(sku: f.sku, fromLocationId: f.warehouse, toLocationId: f.store, quantity: 15), key: f.sku)
        _ = try await stack.perform(CatalogType.recordPosSale, RecordPosSale(saleId: "T-1", storeId: f.store, lines: [.init(sku: f.sku, quantity: 3)]), key: f.sku, channel: "pos")
        _ = try await stack.perform(CatalogType.restockReturn, RestockReturn(returnId: "R-1", orderId: "O-1", locationId: f.nearbyStore, lines: [.init(sku: f.sku, quantity: 1)]), key: f.sku)

        struct Stock: Decodable {
            struct Movement: Decodable { var kind: String; var quantity: Int }
            var onHand: Int; var ledgerOnHand: Int; var available: Int; var movements: [Movement]
        }
        let store = try await stack.getJSON("/stock/\(f.sku)/locations/\(f.store)", as: Stock.self)
        #expect(store.onHand == 10 - 2 + 15 - 3)
        #expect(store.movements.map(\.kind) == ["pos-sale", "transfer-in", "adjustment", "receipt"])
        let warehouse = try await stack.getJSON("/stock/\(f.sku)/locations/\(f.warehouse)", as: Stock.self)
        #expect(warehouse.onHand == 35)
        for stock in [store, warehouse] { #expect(stock.onHand == stock.ledgerOnHand) }
        #expect(try await TestStack.ledgerMismatches(stack.schema) == [], "on-hand derivable from the ledger for every sku and location")
        await stack.stop()
    }

    @Test("a transfer in transit leaves the sender at once, is shown apart at the receiver (not on hand, not promised), and goes on hand when received, short if some was lost; a reference is needed, used once, received once, at its destination")
    func transferInTransit() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.warehouse: 50, f.store: 10])
        struct Stock: Decodable {
            struct Incoming: Decodable { var reference: String; var fromLocationId: String; var quantity: Int }
            struct Movement: Decodable { var kind: String; var quantity: Int; var reason: String? }
            var onHand: Int; var available: Int; var ledgerOnHand: Int; var inTransit: Int; var incoming: [Incoming]; var movements: [Movement]
        }
        let expecting: Set<String> = [CatalogType.commandRejected, CatalogType.stockMovementRecorded, CatalogType.availabilityChanged]
        func send<C: Encodable & Sendable>(_ type: String, _ command: C) async throws -> CloudEvent {
            try await stack.perform(type, command, key: f.sku, expecting: expecting)
        }
        func rejection(_ outcome: CloudEvent) throws -> String? {
            outcome.type == CatalogType.commandRejected ? try outcome.payload(CommandRejected.self).reasonCode : nil
        }
        let shipped = try await send(CatalogType.transferStock, TransferStock(sku: f.sku, fromLocationId: f.warehouse, toLocationId: f.store, quantity: 5,
                                                                              reference: "DN-1", inTransit: true))
        #expect(shipped.type == CatalogType.stockMovementRecorded)
        let warehouse = try await stack.getJSON("/stock/\(f.sku)/locations/\(f.warehouse)", as: Stock.self)
        #expect(warehouse.onHand == 45 && warehouse.movements.first?.kind == "transfer-out")
        var store = try await stack.getJSON("/stock/\(f.sku)/locations/\(f.store)", as: Stock.self)
        #expect(store.onHand == 10 && store.available == 10 && store.inTransit == 5)
        #expect(store.incoming.map(\.reference) == ["DN-1"] && store.incoming.first?.fromLocationId == f.warehouse)

        #expect(try rejection(await send(CatalogType.transferStock, TransferStock(sku: f.sku, fromLocationId: f.warehouse, toLocationId: f.store,
                                                                                   quantity: 1, inTransit: true))) == "reference-required")
        #expect(try rejection(await send(CatalogType.transferStock, TransferStock(sku: f.sku, fromLocationId: f.warehouse, toLocationId: f.nearbyStore,
                                                                                   quantity: 1, reference: "DN-1", inTransit: true))) == "duplicate-transfer")
        #expect(try rejection(await send(CatalogType.receiveTransfer, ReceiveTransfer(reference: "DN-1", sku: f.sku, locationId: f.nearbyStore))) == "wrong-location")
        #expect(try rejection(await send(CatalogType.receiveTransfer, ReceiveTransfer(reference: "DN-1", sku: f.sku, locationId: f.store, quantity: 6))) == "invalid-quantity")
        #expect(try rejection(await send(CatalogType.receiveTransfer, ReceiveTransfer(reference: "DN-9", sku: f.sku, locationId: f.store))) == "unknown-transfer")
        #expect(try await stack.getJSON("/stock/\(f.sku)/locations/\(f.warehouse)", as: Stock.self).onHand == 45, "a refused transfer moved nothing")

        // Four of the five arrive.
        let received = try await send(CatalogType.receiveTransfer, ReceiveTransfer(reference: "DN-1", sku: f.sku, locationId: f.store, quantity: 4))
        #expect(received.type == CatalogType.stockMovementRecorded)
        store = try await stack.getJSON("/stock/\(f.sku)/locations/\(f.store)", as: Stock.self)
        #expect(store.onHand == 14 && store.inTransit == 0 && store.incoming.isEmpty)
        #expect(store.movements.first?.kind == "transfer-in" && store.movements.first?.reason == "1 lost in transit")
        #expect(try rejection(await send(CatalogType.receiveTransfer, ReceiveTransfer(reference: "DN-1", sku: f.sku, locationId: f.store))) == "already-received")
        #expect(try await TestStack.ledgerMismatches(stack.schema) == [], "on-hand derivable from the ledger for every sku and location")
        await stack.stop()
    }

    @Test("bad input is rejected with a reason code, and nothing else is lost")
    func badInput() async throws {
        let stack = try await ServiceStack(.catalog)
        let f = CatalogFixtures()
        try await f.load(into: stack, stock: [f.store: 5])
        let cases: [(String, any Encodable & Sendable, String)] = [
            (CatalogType.receiveStock, ReceiveStock(sku: "NOPE", locationId: f.store, quantity: 1), "unknown-sku"),
            (CatalogType.receiveStock, ReceiveStock(sku: f.sku, locationId: "nowhere", quantity: 1), "unknown-location"),
            (CatalogType.receiveStock, ReceiveStock(sku: f.sku, locationId: f.store, quantity: 0), "invalid-quantity"),
            (CatalogType.recordPosSale, RecordPosSale(saleId: "T", storeId: f.store, lines: [.init(sku: f.sku, quantity: -1)]), "invalid-quantity"),
            (CatalogType.setPrice, SetPrice(sku: f.sku, channel: "web", currency: "XYZ", amountMinor: 100), "unknown-currency"),
            (CatalogType.transferStock, TransferStock(sku: f.sku, fromLocationId: f.store, toLocationId: f.store, quantity: 1), "same-location"),
            (CatalogType.adjustStock, AdjustStock(sku: f.sku, locationId: f.store, delta: -1, reason: " "), "reason-required"),
            (CatalogType.recordPosSale, RecordPosSale(saleId: "T", storeId: f.store, lines: [.init(sku: f.sku, quantity: 6)]), "insufficient-stock"),
            (CatalogType.reserveStock, ReserveStock(reservationId: "r-bad", orderId: "o-bad", channel: "web", lines: [.init(sku: f.sku, quantity: 1)],
                                                    fulfilment: .pickup(at: f.warehouse)), "no-click-and-collect"),
            (CatalogType.releaseReservation, ReleaseReservation(reservationId: "never-made"), "unknown-reservation"),
        ]
        for (type, payload, code) in cases {
            let outcome = try await stack.perform(type, payload, key: f.sku, expecting: [CatalogType.commandRejected, CatalogType.stockMovementRecorded,
                                                                                        CatalogType.priceChanged, CatalogType.stockReserved])
            #expect(outcome.type == CatalogType.commandRejected, "\(type) → \(outcome.type)")
            let rejected = try outcome.payload(CommandRejected.self)
            #expect(rejected.reasonCode == code, "\(type): \(rejected.message)")
            #expect(rejected.commandType == type && !rejected.message.isEmpty)
        }
        struct Stock: Decodable { var onHand: Int; var ledgerOnHand: Int }
        let stock = try await stack.getJSON("/stock/\(f.sku)/locations/\(f.store)", as: Stock.self)
        #expect(stock.onHand == 5 && stock.ledgerOnHand == 5, "rejected commands changed nothing")

        // HTTP: problem+json with 4xx.
        for (path, status) in [("/products/NOPE", 404), ("/availability/\(f.sku)?channel=fax", 400), ("/availability/\(f.sku)?channel=pos", 400),
                               ("/availability/\(f.sku)?channel=pos&store=nowhere", 404), ("/products?limit=0", 400), ("/reservations/none", 404)] {
            let (code, body) = try await stack.http.get(path)
            #expect(code == status, "\(path): \(body)")
            #expect(body.contains("\"status\":\(status)") && body.contains("\"title\""), "\(path): \(body)")
        }
        await stack.stop()
    }
}

extension TestStack {
    /// (sku, location, on_hand, ledger sum) wherever the two disagree.
    static func ledgerMismatches(_ schema: String, on cluster: TestPostgres? = nil) async throws -> [String] {
        try await withAdmin(on: cluster) { admin in
            let rows = try await admin.query(PostgresQuery(unsafeSQL: """
                SELECT COALESCE(s.sku, l.sku) || '@' || COALESCE(s.location_id, l.location_id) || ' ' || COALESCE(s.on_hand, 0) || ' vs ' || COALESCE(l.total, 0)
                FROM \(schema).stock_levels s
                FULL JOIN (SELECT sku, location_id, sum(quantity) AS total FROM \(schema).stock_ledger GROUP BY sku, location_id) l
                  ON l.sku = s.sku AND l.location_id = s.location_id
                WHERE COALESCE(s.on_hand, 0) <> COALESCE(l.total, 0)
                """))
            var mismatches: [String] = []
            for try await line in rows.decode(String.self) { mismatches.append(line) }
            return mismatches
        }
    }
}
