import Foundation
import OmniChannel
import OmniKafka
import OmniMessaging

/// One fuzz record: what was published and why.
struct FuzzMessage: Sendable {
    /// Also in the `omni_fuzz_id` header, so a dead-lettered record with a broken or missing
    /// `ce_id` is still matched; equal to `ce_id` when the envelope has one.
    let fuzzID: String
    let topic: String
    let type: String
    let service: ServiceName
    /// e.g. `bad-value lines.[0].quantity=-1`, `envelope missing ce_id`.
    let mutation: String
    let key: String?
    let headers: [KafkaHeader]
    let value: [UInt8]

    static let fuzzHeader = "omni_fuzz_id"

    var record: OutgoingMessage { OutgoingMessage(topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers) }
}

/// Turns valid examples into bad input: bad values (unknown ids, signs, empty, huge,
/// unicode, NUL, SQL-ish text, wrong enums), structural mutations (a field dropped, a type
/// changed, extra fields, deep nesting, truncated or corrupted bytes), and broken envelopes.
struct Mutator {
    var random: SeededRandom

    static let hostileStrings: [String] = [
        "", " ", "\u{0}", "a\u{0}b", "'; DROP TABLE orders; --", "' OR '1'='1", "%s%n%x", "../../etc/passwd", "null", "NaN",
        "é\u{301}ü漢字🙂\u{202E}rtl\u{200B}zw", "\u{FEFF}bom", "\u{1F4A9}\u{1F4A9}\u{1F4A9}", "<script>alert(1)</script>", "\\\"", "\n\r\t",
        "bogus-enum", "-1", "9999999999999999999999", "0x41", "{\"a\":1}", "\u{7F}\u{1}\u{1F}",
    ]

    static let hostileNumbers: [String] = [
        "-1", "0", "-0", "1.5", "-2147483649", "2147483648", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "1e308", "-1e308", "1e-320", "123456789012345678901234567890",
    ]

    mutating func hugeString() -> String {
        let length = random.pick([300, 2_000, 9_000, 40_000])
        let unit = random.pick(["x", "é", "漢", "🙂", "'", "\\"])
        return String(repeating: unit, count: length)
    }

    mutating func deepValue() -> JSONValue {
        let depth = random.pick([64, 300, 600, 2_000])
        var value: JSONValue = .number("1")
        for _ in 0..<depth { value = random.chance(0.5) ? .array([value]) : .object([("a", value)]) }
        return value
    }

    mutating func anyValue() -> JSONValue {
        switch random.int(0..<7) {
        case 0: return .null
        case 1: return .bool(random.chance(0.5))
        case 2: return .number(random.pick(Self.hostileNumbers))
        case 3: return .string(random.pick(Self.hostileStrings))
        case 4: return .array([.string("x"), .number("1")])
        case 5: return .object([("unexpected", .string("field"))])
        default: return .string(hugeString())
        }
    }

    /// A value of another JSON kind than `value`.
    mutating func wrongType(for value: JSONValue) -> JSONValue {
        while true {
            let candidate = anyValue()
            if candidate.kindName != value.kindName { return candidate }
        }
    }

    /// A value of the same kind that a handler must refuse (or survive).
    mutating func badValue(for value: JSONValue) -> JSONValue {
        switch value {
        case .string: random.chance(0.2) ? .string(hugeString()) : .string(random.pick(Self.hostileStrings))
        case .number: .number(random.pick(Self.hostileNumbers))
        case .bool: random.pick([.string("true"), .number("1"), .null])
        case .array: random.pick([.array([]), .array([.null]), .array(Array(repeating: .string("x"), count: 500))])
        case .object: random.pick([.object([]), .null])
        case .null: anyValue()
        }
    }

    /// One change to a valid payload, described.
    mutating func mutate(_ payload: JSONValue) -> (value: [UInt8], description: String) {
        let paths = payload.paths
        let path = paths.isEmpty ? [] : random.pick(paths)
        let current = payload[path] ?? .null
        switch random.int(0..<12) {
        case 0, 1, 2:
            let bad = badValue(for: current)
            return (payload.replacing(path, with: bad).bytes, "bad-value \(path.dotted)=\(Self.describe(bad))")
        case 3:
            return (payload.replacing(path, with: nil).bytes, "drop \(path.dotted)")
        case 4, 5:
            let wrong = wrongType(for: current)
            return (payload.replacing(path, with: wrong).bytes, "wrong-type \(path.dotted)=\(Self.describe(wrong))")
        case 6:
            if case .number(let text) = current {
                let flipped = text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text
                return (payload.replacing(path, with: .number(flipped)).bytes, "flip-sign \(path.dotted)")
            }
            return (payload.replacing(path, with: .number("-1")).bytes, "negative \(path.dotted)")
        case 7:
            return (payload.adding(key: random.pick(["unexpected", "__proto__", "$where", "id"]), value: anyValue()).bytes, "extra-field")
        case 8:
            return (payload.replacing(path, with: deepValue()).bytes, "deep-nesting \(path.dotted)")
        case 9:
            let bytes = payload.bytes
            let cut = random.int(0..<max(1, bytes.count))
            return (Array(bytes.prefix(cut)), "truncate \(cut)/\(bytes.count)")
        case 10:
            var bytes = payload.bytes
            let count = random.int(1...4)
            for _ in 0..<count where !bytes.isEmpty {
                bytes[random.int(0..<bytes.count)] = random.pick([0x00, 0xFF, 0xC3, 0x22, 0x7B, 0x5D, UInt8(random.int(0...255))])
            }
            return (bytes, "corrupt-bytes \(count)")
        default:
            let injected = random.pick(["\u{0}", "'; DROP TABLE x; --", "🙂\u{202E}", "\u{FFFF}"])
            if case .string(let text) = current {
                return (payload.replacing(path, with: .string(text + injected)).bytes, "inject \(path.dotted)")
            }
            return (payload.replacing(path, with: .string(injected)).bytes, "inject \(path.dotted)")
        }
    }

    static func describe(_ value: JSONValue) -> String {
        let text = String(decoding: value.bytes, as: UTF8.self)
        return text.count > 40 ? "\(value.kindName)(\(text.utf8.count) bytes)" : text
    }

    /// The headers of a valid command envelope for `type`.
    static func envelope(id: String, type: String, subject: String?, channel: String = "web") -> [KafkaHeader] {
        var event = CloudEvent(type: type, source: "/channels/fuzz", subject: subject, correlationID: "fuzz", channel: channel, data: [])
        event.id = UUID(uuidString: id) ?? UUID()
        return event.kafkaHeaders + [KafkaHeader(key: FuzzMessage.fuzzHeader, string: id)]
    }

    /// A broken envelope around `value`: what the consumer must dead-letter.
    mutating func breakEnvelope(_ headers: [KafkaHeader], value: [UInt8], type: String, service: ServiceName) -> (headers: [KafkaHeader], value: [UInt8], description: String) {
        func without(_ name: String) -> [KafkaHeader] { headers.filter { $0.key != name } }
        func with(_ name: String, _ replacement: [UInt8]) -> [KafkaHeader] { without(name) + [KafkaHeader(key: name, value: replacement)] }
        switch random.int(0..<13) {
        case 0:
            let bytes = (0..<random.int(1...64)).map { _ in UInt8(random.int(0...255)) }
            return (headers, bytes, "undecodable random bytes")
        case 1:
            return (headers, [], "empty value")
        case 2:
            let name = random.pick([CloudEvent.Header.specVersion, CloudEvent.Header.id, CloudEvent.Header.type, CloudEvent.Header.source, CloudEvent.Header.time])
            return (without(name), value, "missing \(name)")
        case 3:
            return (with(CloudEvent.Header.specVersion, Array(random.pick(["0.3", "2.0", "", "1"]).utf8)), value, "invalid ce_specversion")
        case 4:
            return (with(CloudEvent.Header.id, Array(random.pick(["not-a-uuid", "", "'; DROP", "00000000-0000-0000-0000"]).utf8)), value, "invalid ce_id")
        case 5:
            let bad = random.pick(["PlaceOrder", "omni.\(service.rawValue).lowercase.v1", "omni..X.v1", "omni.\(service.rawValue).X.1", "omni.\(service.rawValue).X.v"])
            return (with(CloudEvent.Header.type, Array(bad.utf8)), value, "malformed ce_type")
        case 6:
            let unknown = random.pick(["omni.\(service.rawValue).Fuzz\(random.int(0..<1000)).v1", type.replacingOccurrences(of: ".v1", with: ".v99"),
                                       "omni.channels.InteractionRecorded.v2", "omni.other.Nope.v1"])
            return (with(CloudEvent.Header.type, Array(unknown.utf8)), value, "unknown ce_type \(unknown)")
        case 7:
            return (with(CloudEvent.Header.source, Array(random.pick(["web", "", "channels/web"]).utf8)), value, "invalid ce_source")
        case 8:
            return (with(CloudEvent.Header.time, Array(random.pick(["yesterday", "2024-13-45T99:99:99Z", ""]).utf8)), value, "invalid ce_time")
        case 9:
            let contentType = random.pick(["text/plain", "application/xml", "application/octet-stream", "application/cloudevents+json", "json"])
            return (with(CloudEvent.Header.contentType, Array(contentType.utf8)), value, "content-type \(contentType)")
        case 10:
            let name = random.pick([CloudEvent.Header.type, CloudEvent.Header.id, CloudEvent.Header.specVersion])
            return (with(name, [0xFF, 0xFE, 0xC3]), value, "non-UTF-8 \(name)")
        case 11:
            let json = random.pick(["null", "[]", "42", "\"text\"", "true", "{", "{\"a\":}"])
            return (headers, Array(json.utf8), "value \(json)")
        default:
            return ([KafkaHeader(key: FuzzMessage.fuzzHeader, value: headers.first { $0.key == FuzzMessage.fuzzHeader }?.value ?? [])], value, "no CloudEvents headers")
        }
    }
}
