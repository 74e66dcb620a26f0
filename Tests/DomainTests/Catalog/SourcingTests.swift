import CatalogContracts
import CatalogCore
import OmniMessaging
import Testing

@Suite("Catalog: sourcing rule and the locations serving each channel")
struct SourcingTests {
    static func location(_ id: String, _ kind: UpsertLocation.Kind, _ lat: Double, _ lon: Double, ship: Bool = false) -> LocationProfile {
        LocationProfile(id: id, kind: kind, coordinates: GeoPoint(latitude: lat, longitude: lon), clickAndCollect: kind == .store, shipFromStore: ship, active: true)
    }
    let paris = location("wh-paris", .warehouse, 48.85, 2.35)
    let lyon = location("wh-lyon", .warehouse, 45.76, 4.83)
    let marseille = location("st-marseille", .store, 43.30, 5.37, ship: true)
    let lille = location("st-lille", .store, 50.63, 3.06)

    @Test("one location that has everything gets the whole order, nearest first")
    func singleLocation() {
        let candidates = [
            Sourcing.Candidate(location: paris, available: ["A": 5, "B": 5]),
            Sourcing.Candidate(location: lyon, available: ["A": 5, "B": 5]),
        ]
        let nearLyon = GeoPoint(latitude: 45.7, longitude: 4.8)
        #expect(Sourcing.source([.init(sku: "A", quantity: 2), .init(sku: "B", quantity: 1)], from: candidates, destination: nearLyon)
            == .allocated([.init(sku: "A", locationId: "wh-lyon", quantity: 2), .init(sku: "B", locationId: "wh-lyon", quantity: 1)]))
        // No destination: warehouses before stores, then by id.
        #expect(Sourcing.source([.init(sku: "A", quantity: 2)], from: candidates, destination: nil)
            == .allocated([.init(sku: "A", locationId: "wh-lyon", quantity: 2)]))
    }

    @Test("a location with everything beats a nearer one with part of it")
    func completenessBeforeDistance() {
        let candidates = [
            Sourcing.Candidate(location: marseille, available: ["A": 5, "B": 0]),
            Sourcing.Candidate(location: paris, available: ["A": 5, "B": 5]),
        ]
        let nearMarseille = GeoPoint(latitude: 43.3, longitude: 5.4)
        #expect(Sourcing.source([.init(sku: "A", quantity: 1), .init(sku: "B", quantity: 1)], from: candidates, destination: nearMarseille)
            == .allocated([.init(sku: "A", locationId: "wh-paris", quantity: 1), .init(sku: "B", locationId: "wh-paris", quantity: 1)]))
    }

    @Test("otherwise lines are split, nearest first")
    func split() {
        let candidates = [
            Sourcing.Candidate(location: paris, available: ["A": 2]),
            Sourcing.Candidate(location: lyon, available: ["A": 2]),
            Sourcing.Candidate(location: marseille, available: ["A": 5]),
        ]
        let nearParis = GeoPoint(latitude: 48.9, longitude: 2.3)
        #expect(Sourcing.source([.init(sku: "A", quantity: 6)], from: candidates, destination: nearParis)
            == .allocated([.init(sku: "A", locationId: "wh-paris", quantity: 2), .init(sku: "A", locationId: "wh-lyon", quantity: 2),
                           .init(sku: "A", locationId: "st-marseille", quantity: 2)]))
    }

    @Test("not enough anywhere: nothing reserved, the shortfall of every short line reported")
    func shortfall() {
        let candidates = [Sourcing.Candidate(location: paris, available: ["A": 2, "B": 10]), Sourcing.Candidate(location: lyon, available: ["A": 1])]
        #expect(Sourcing.source([.init(sku: "A", quantity: 4), .init(sku: "B", quantity: 3), .init(sku: "C", quantity: 1)], from: candidates, destination: nil)
            == .shortfall([.init(sku: "A", requested: 4, available: 3), .init(sku: "C", requested: 1, available: 0)]))
    }

    @Test("the web sells warehouses and ship-from-store stores; a POS sells its store")
    func channelServing() throws {
        let all = [paris, lyon, marseille, lille]
        #expect(try ChannelServing.locations(for: .web, storeId: nil, among: all).map(\.id) == ["wh-paris", "wh-lyon", "st-marseille"])
        #expect(try ChannelServing.locations(for: .pos, storeId: "st-lille", among: all).map(\.id) == ["st-lille"])
        #expect((#expect(throws: Rejection.self) { try ChannelServing.locations(for: .pos, storeId: nil, among: all) })?.code == "store-required")
        #expect((#expect(throws: Rejection.self) { try ChannelServing.locations(for: .kiosk, storeId: "wh-paris", among: all) })?.code == "not-a-store")
        #expect((#expect(throws: Rejection.self) { try ChannelServing.channel("fax") })?.code == "unknown-channel")
    }

    @Test("distances are great-circle kilometres")
    func distance() {
        let km = paris.coordinates.distanceKilometres(to: lyon.coordinates)
        #expect(km > 385 && km < 395)
    }
}
