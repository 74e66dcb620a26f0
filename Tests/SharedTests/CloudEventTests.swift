import Foundation
import OmniKafka
import OmniMessaging
import Testing

@Suite("CloudEvents envelope in Kafka binary mode")
struct CloudEventTests {
    struct Placed: Codable, Equatable { var orderID: String; var total: Int }

    @Test("an event survives the trip through Kafka headers intact")
    func roundTrip() throws {
        let event = try CloudEvent(
            type: "omni.orders.OrderPlaced.v1", source: "/services/orders", subject: "o-1",
            payload: Placed(orderID: "o-1", total: 4200), correlationID: "journey-7", causationID: "c-1",
            channel: "web", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let decoded = try CloudEvent(kafkaHeaders: event.kafkaHeaders, value: event.data)
        #expect(decoded.id == event.id)
        #expect(decoded.type == event.type)
        #expect(decoded.subject == "o-1")
        #expect(decoded.correlationID == "journey-7")
        #expect(decoded.channel == "web")
        #expect(decoded.traceparent == event.traceparent)
        #expect(abs(decoded.time.timeIntervalSince(event.time)) < 0.001)
        #expect(try decoded.decode(Placed.self) == Placed(orderID: "o-1", total: 4200))
        #expect(event.kafkaHeaders.string("ce_specversion") == "1.0")
        #expect(event.kafkaHeaders.string("content-type") == "application/json")
    }

    @Test("a caused event inherits correlation, channel and trace")
    func causation() throws {
        let command = CloudEvent(type: "omni.orders.PlaceOrder.v1", source: "/channels/web", correlationID: "j-1", channel: "web", data: Array("{}".utf8))
        let event = try CloudEvent(type: "omni.orders.OrderPlaced.v1", source: "/services/orders", subject: "o-1", payload: ["a": 1], causedBy: command)
        #expect(event.causationID == command.id.uuidString.lowercased())
        #expect(event.correlationID == "j-1")
        #expect(event.channel == "web")
    }

    @Test("invalid envelopes are refused with a clear reason", arguments: [
        ("ce_specversion", "0.3", "unsupported-specversion"),
        ("ce_id", "not-a-uuid", "invalid-header"),
        ("ce_type", "orders.placed", "invalid-header"),
        ("ce_source", "web", "invalid-header"),
        ("ce_time", "yesterday", "invalid-header"),
        ("content-type", "text/xml", "unsupported-content-type"),
    ])
    func invalid(header: String, value: String, code: String) throws {
        let event = CloudEvent(type: "omni.orders.PlaceOrder.v1", source: "/channels/pos/store-42", data: Array("{}".utf8))
        var headers = event.kafkaHeaders.filter { $0.key != header }
        headers.append(KafkaHeader(key: header, string: value))
        #expect(throws: EnvelopeError.self) { try CloudEvent(kafkaHeaders: headers, value: event.data) }
        do { _ = try CloudEvent(kafkaHeaders: headers, value: event.data) } catch { #expect(error.code == code) }
    }

    @Test("a missing header is named")
    func missing() {
        let event = CloudEvent(type: "omni.orders.PlaceOrder.v1", source: "/channels/app", data: [])
        let headers = event.kafkaHeaders.filter { $0.key != "ce_id" }
        #expect(throws: EnvelopeError.missingHeader("ce_id")) { try CloudEvent(kafkaHeaders: headers, value: []) }
    }

    @Test("undecodable data is an envelope error (dead-lettered, not retried)")
    func undecodableData() {
        let event = CloudEvent(type: "omni.orders.PlaceOrder.v1", source: "/channels/app", data: Array("{oops".utf8))
        #expect(throws: EnvelopeError.self) { try event.decode(Placed.self) }
    }

    @Test("an impossible date or time is refused, in ce_time and in payloads, never rolled over to another day")
    func impossibleDates() throws {
        for text in ["2026-02-31T10:00:00.000+0000", "2026-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-02-28T24:00:00Z",
                     "2026-02-28T10:60:00Z", "2026-02-28T10:00:60Z", "2026-00-10T10:00:00Z", "2026-02-00T10:00:00Z", "2026-2-28T10:00:00Z", "2026-02-28"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
            #expect(throws: DecodingError.self, "\(text)") { try JSONCoding.decoder.decode([String: Date].self, from: Data("{\"at\":\"\(text)\"}".utf8)) }
        }
        for text in ["2024-02-29T23:59:59Z", "2000-02-29T00:00:00.5+01:00", "2026-12-31T23:59:59.999+00:00", "2026-11-30T10:00:00+01:00"] {
            #expect(Timestamp.parse(text) != nil, "\(text)")
            #expect(try JSONCoding.decoder.decode([String: Date].self, from: Data("{\"at\":\"\(text)\"}".utf8))["at"] == Timestamp.parse(text))
        }
        // Any offset RFC 3339 allows, up to ±23:59 (Foundation stops at ±18:00); with its colon, upper-case T and Z.
        #expect(Timestamp.parse("2026-11-30t12:00:00z") == nil && Timestamp.parse("2026-11-30T12:00:00Z") != nil)
        #expect(Timestamp.parse("2026-11-30T12:00:00-19:53") == Timestamp.parse("2026-12-01T07:53:00Z"))
        #expect(Timestamp.parse("2026-11-30T12:00:00.2+23:59") == Timestamp.parse("2026-11-29T12:01:00.2Z"))
        for text in ["2026-11-30T12:00:00+24:00", "2026-11-30T12:00:00+01:60", "2026-11-30T12:00:00+1", "2026-11-30T12:00:00", "2026-11-30T12:00:00.Z",
                     "2026-11-30T12:00:00 Z", "2026-11-30T12:00:00+01:0a", "2026-11-30T12:00:00+0100", "2026-12-31T23:59:59.999+0000"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
        let noon = try #require(Timestamp.parse("2026-11-30T12:00:00.250+01:00"))
        #expect(Timestamp.format(noon) == "2026-11-30T11:00:00.250Z")
        #expect(Timestamp.parse(Timestamp.format(noon)) == noon)
    }

    @Test("ce_type follows omni.<service>.<Name>.v<N>")
    func typeNames() {
        #expect(CloudEvent.isValidType("omni.catalog.StockReserved.v2"))
        #expect(!CloudEvent.isValidType("omni.catalog.stockReserved.v2"))
        #expect(!CloudEvent.isValidType("omni.Catalog.StockReserved.v2"))
        #expect(!CloudEvent.isValidType("omni.catalog.StockReserved"))
        #expect(!CloudEvent.isValidType("acme.catalog.StockReserved.v1"))
        #expect(CloudEvent.isValidType("omni.orders.Order2Placed.v12"))
        #expect(!CloudEvent.isValidType("omni.catalog.Stock-Reserved.v1"))
        #expect(!CloudEvent.isValidType("omni.catalog.StockReserved.v"))
        #expect(!CloudEvent.isValidType("omni.catalog.StockReserved.v1x"))
        #expect(!CloudEvent.isValidType("omni.catalogé.StockReserved.v1"))
        #expect(!CloudEvent.isValidType("omni..StockReserved.v1"))
        #expect(!CloudEvent.isValidType("omni.catalog.StockReserved.v1."))
    }

    @Test("the topic catalogue has every topic of DESIGN.md and its dead-letter topic")
    func topics() {
        #expect(Topics.business.count == 11)
        #expect(Topics.all.count == 22)
        #expect(Topics.all.contains("channels.interactions.dlq"))
        #expect(Topics.commands(.orders) == "orders.commands")
        #expect(Topics.devPartitions >= 12)
    }
}
