import Foundation
import OmniKafka
import OmniPersistence
import Testing

@Suite("The outbox's headers column, written without JSONEncoder")
struct OutboxHeadersTests {
    @Test("any text survives: quotes, backslashes, control characters, emoji; the last of a repeated name wins")
    func escaping() throws {
        let tricky = "say \"hi\" \\ to\nthe\tcrew\r\u{01}\u{1F} · café 🛍️"
        let headers = [
            KafkaHeader(key: "ce_subject", string: tricky),
            KafkaHeader(key: "ce_type", string: "omni.orders.OrderPlaced.v1"),
            KafkaHeader(key: "weird \"name\"", string: ""),
            KafkaHeader(key: "ce_type", string: "omni.orders.OrderConfirmed.v1"),
        ]
        let json = OutboxHeaders.json(headers)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        #expect(decoded == ["ce_subject": tricky, "ce_type": "omni.orders.OrderConfirmed.v1", "weird \"name\"": ""])
    }

    @Test("a header that is not UTF-8 text is left out, and no headers is an empty object")
    func edges() throws {
        #expect(OutboxHeaders.json([]) == "{}")
        let json = OutboxHeaders.json([KafkaHeader(key: "bin", value: [0xFF, 0xFE]), KafkaHeader(key: "ok", string: "1")])
        #expect(try JSONDecoder().decode([String: String].self, from: Data(json.utf8)) == ["ok": "1"])
    }
}
