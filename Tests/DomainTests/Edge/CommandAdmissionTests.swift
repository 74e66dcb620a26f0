import CatalogContracts
import Foundation
import OmniAuth
import OmniMessaging
import OrdersContracts
import Testing
@testable import EdgeCore

@Suite("Edge: which commands a credential may send, and the envelope it gets")
struct CommandAdmissionTests {
    static func credential(_ role: Role, stores: [String] = []) throws -> Credential {
        try Credential(role: role, name: "c", stores: stores, validFor: 3_600)
    }

    static func body(_ value: some Encodable) throws -> [UInt8] { Array(try JSONCoding.encoder.encode(value)) }

    @Test("a till's order gets its channel and store from the credential, its source names both, and its id is stable per client and key")
    func tillOrder() throws {
        let till = try Self.credential(.pos, stores: ["st-1"])
        let order = #"{"orderId": "o-1", "lines": [{"sku": "A", "quantity": 1}], "fulfilment": {"mode": "in-store"}, "paymentReference": "p"}"#
        let admitted = try CommandAdmission.admit(type: OrdersType.placeOrder, body: Array(order.utf8), idempotencyKey: "k-1", credential: till)
        let placed = try JSONCoding.decoder.decode(PlaceOrder.self, from: Data(admitted.checked.payload))
        #expect(placed.channel == "pos" && placed.storeId == "st-1")
        #expect(admitted.source == "/channels/pos/st-1" && admitted.channel == "pos" && admitted.recordKey == "o-1")
        #expect(admitted.event.correlationID == admitted.id.uuidString.lowercased())
        let again = try CommandAdmission.admit(type: OrdersType.placeOrder, body: Array(order.utf8), idempotencyKey: "k-1", credential: till)
        #expect(again.id == admitted.id && again.digest == admitted.digest)
        #expect(CommandAdmission.isEdgeCommand(admitted.id) && !CommandAdmission.isEdgeCommand(UUID()))
        let otherKey = try CommandAdmission.admit(type: OrdersType.placeOrder, body: Array(order.utf8), idempotencyKey: "k-2", credential: till)
        #expect(otherKey.id != admitted.id)
        let otherTill = try Self.credential(.pos, stores: ["st-2"])
        #expect(CommandAdmission.commandID(client: otherTill.subject + "x", idempotencyKey: "k-1") != admitted.id)
    }

    @Test("refusals: another store, another channel, a staff-only or till-only command, a missing scope, a saga step, no key, a malformed body")
    func refusals() throws {
        let till = try Self.credential(.pos, stores: ["st-1"])
        let web = try Self.credential(.webShop)
        func refusal(_ type: String, _ body: [UInt8], key: String? = "k", _ credential: Credential) -> AdmissionRefusal? {
            do {
                _ = try CommandAdmission.admit(type: type, body: body, idempotencyKey: key, credential: credential)
                return nil
            } catch {
                return error
            }
        }
        let elsewhere = try Self.body(PlaceOrder(orderId: "o", channel: "pos", storeId: "st-2", lines: [.init(sku: "A", quantity: 1)],
                                                 fulfilment: .init(mode: .inStore), paymentReference: "p"))
        #expect(refusal(OrdersType.placeOrder, elsewhere, till) == .otherStore("st-2"))
        let asPos = try Self.body(PlaceOrder(orderId: "o", channel: "pos", storeId: "st-1", lines: [.init(sku: "A", quantity: 1)],
                                             fulfilment: .init(mode: .inStore), paymentReference: "p"))
        #expect(refusal(OrdersType.placeOrder, asPos, web) == .otherChannel(claimed: "pos", own: "web"))
        let sale = try Self.body(RecordPosSale(saleId: "s", storeId: "st-1", lines: [.init(sku: "A", quantity: 1)]))
        #expect(refusal(CatalogType.recordPosSale, sale, web) == .channelNotAllowed(type: CatalogType.recordPosSale, channel: "web"))
        #expect(refusal(CatalogType.recordPosSale, sale, till) == nil)
        #expect(refusal(CatalogType.setPrice, sale, till) == .missingScope(.catalogWrite))
        #expect(refusal(CatalogType.releaseReservation, sale, till) == .unknownType(CatalogType.releaseReservation))
        #expect(refusal(CatalogType.recordPosSale, sale, key: nil, till) == .missingIdempotencyKey)
        #expect(refusal(CatalogType.recordPosSale, sale, key: "has space", till) == .invalidIdempotencyKey)
        #expect(refusal(CatalogType.recordPosSale, sale, key: String(repeating: "k", count: 256), till) == .invalidIdempotencyKey)
        if case .malformed(let reason)? = refusal(CatalogType.recordPosSale, Array(#"{"saleId": "s"}"#.utf8), till) {
            #expect(reason.contains("lines"), "\(reason)")
        } else {
            Issue.record("a body without lines is malformed")
        }
        #expect(refusal(CatalogType.recordPosSale, Array("[1]".utf8), till) != nil)
        #expect(refusal(CatalogType.recordPosSale, Array("not json".utf8), till) != nil)
        let ops = try Self.credential(.ops)
        #expect(refusal(OrdersType.shipOrder, try Self.body(OrderStep(orderId: "o")), ops) == nil)
        #expect(refusal(OrdersType.shipOrder, try Self.body(OrderStep(orderId: "o")), web) == .staffOnly(OrdersType.shipOrder))
    }

    @Test("a token bucket lets a burst through, then one request per 1/rate, and says how long to wait")
    func tokenBucket() {
        let limit = TokenBucket.Limit(ratePerSecond: 2, burst: 3)
        var bucket = TokenBucket(limit: limit, now: 100)
        #expect((0..<3).allSatisfy { _ in bucket.take(limit: limit, now: 100) == nil })
        #expect(bucket.take(limit: limit, now: 100) == 0.5)
        #expect(bucket.take(limit: limit, now: 100.5) == nil)
        #expect(bucket.take(limit: limit, now: 100.5) != nil)
        // A clock that steps back gives nothing.
        #expect(bucket.take(limit: limit, now: 50) != nil)
        #expect(bucket.isFull(limit: limit, now: 110) && !bucket.isFull(limit: limit, now: 100.6))
    }
}
