import Foundation
@testable import OmniKafka
import OmniMessaging
import OmniRuntime
import Testing

@Suite("Input hygiene: mailboxes, single-line values, dead-letter stubs")
struct InputHygieneTests {
    @Test("RFC 5321 mailboxes pass; everything that could break an SMTP line or a header does not")
    func mailboxes() {
        for good in ["ada@example.com", "Ada.Lovelace+shop@mail.example.co.uk", "o'brien@example.ie", "x@a-b.example", "a!#$%&'*+-/=?^_`{|}~@example.com",
                     String(repeating: "a", count: 64) + "@example.com"] {
            #expect(EmailAddress.problem(good) == nil, "\(good)")
        }
        for bad in ["", "ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a@b@example.com", ".ada@example.com", "ada.@example.com",
                    "a..da@example.com", "ada@-example.com", "ada@example-.com", "ada@exa..mple.com", "ada@example.com.", "ada lovelace@example.com",
                    "ada@example.com\r\nBcc: x@example.org", "ada@example.com\nRCPT TO:<x@example.org>", "ada\r@example.com", "<ada@example.com>",
                    "ada@example.com>", "\"ada\"@example.com", "adé@example.com", "ada@exämple.com", "ada@[127.0.0.1]", "ada\0@example.com",
                    String(repeating: "a", count: 65) + "@example.com", "a@" + String(repeating: "b", count: 64) + ".com",
                    "a@" + Array(repeating: "label", count: 50).joined(separator: ".") + ".com"] {
            #expect(EmailAddress.problem(bad) != nil, "\(bad.debugDescription)")
        }
    }

    @Test("CR, LF, CRLF (one Character to Swift), NUL and unicode line breaks become spaces, scalar by scalar")
    func singleLine() {
        let injected = "Ada\r\nBcc: x@example.org"
        #expect(injected.split(separator: "\n").count == 1, "a split by Character misses CRLF")
        #expect(SingleLine.clean(injected) == "Ada  Bcc: x@example.org")
        #expect(SingleLine.clean("a\rb\nc\0d\u{2028}e") == "a b c d e")
        #expect(SingleLine.clean("Zoë — été") == "Zoë — été")
        #expect(!SingleLine.clean(injected).unicodeScalars.contains { $0 == "\r" || $0 == "\n" })
    }

    static func message(value: [UInt8], key: [UInt8]? = Array("k-1".utf8)) -> ConsumedMessage {
        ConsumedMessage(topicPartition: TopicPartition(topic: "orders.commands", partition: 3), offset: 42, key: key, value: value,
                        headers: [KafkaHeader(key: "ce_id", string: "0b6f7c7e-3c4f-4f5e-9d1a-2f3b4c5d6e7f"), KafkaHeader(key: "ce_type", string: "omni.orders.PlaceOrder.v1"),
                                  KafkaHeader(key: "big", value: Array(repeating: 0x41, count: 100_000))],
                        timestampMilliseconds: -1)
    }

    @Test("a dead letter keeps the message whole; its stub keeps no payload, the origin, the size and the refusal")
    func deadLetterStub() {
        let message = Self.message(value: Array(repeating: 0x7B, count: 2_000_000), key: Array(repeating: 0x6B, count: 5_000))
        let full = DeadLetter.record(of: message, code: "handler-failed", reason: String(repeating: "é", count: 10_000), consumer: "omni-orders")
        #expect(full.topic == "orders.commands.dlq" && full.value.count == 2_000_000 && full.key?.count == 5_000)
        #expect(full.headers.contains { $0.key == "big" })
        let reason = full.headers.first { $0.key == DeadLetter.reason }!
        #expect(reason.value.count <= 4_096)

        let refusal = KafkaError(code: 10, message: "Broker: Message size too large")
        #expect(refusal.refusesMessageForGood)
        let stub = DeadLetter.stub(of: message, code: "handler-failed", reason: "boom", consumer: "omni-orders", refusal: refusal)
        #expect(stub.topic == "orders.commands.dlq" && stub.value.isEmpty && stub.key == nil)
        let headers = Dictionary(stub.headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }) { $1 }
        #expect(headers["ce_id"] == "0b6f7c7e-3c4f-4f5e-9d1a-2f3b4c5d6e7f" && headers["ce_type"] == "omni.orders.PlaceOrder.v1")
        #expect(headers["big"] == nil)
        #expect(headers[DeadLetter.payloadSize] == "2000000")
        #expect(headers[DeadLetter.refusal]?.contains("too large") == true)
        #expect(headers[DeadLetter.sourceTopic] == "orders.commands" && headers[DeadLetter.sourcePartition] == "3" && headers[DeadLetter.sourceOffset] == "42")
        #expect(headers[DeadLetter.reasonCode] == "handler-failed" && headers[DeadLetter.consumer] == "omni-orders")
        #expect(stub.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.count } < 10_000)
    }
}
