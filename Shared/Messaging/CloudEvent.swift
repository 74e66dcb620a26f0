import Foundation
import OmniKafka

/// The CloudEvents 1.0 envelope in Kafka binary mode (DESIGN.md): the Kafka value is the
/// JSON `data`, every attribute travels in a `ce_` header.
public struct CloudEvent: Sendable, Equatable {
    public static let specVersion = "1.0"

    /// The deduplication key.
    public var id: UUID
    /// `omni.<service>.<Name>.v<N>`.
    public var type: String
    /// `/channels/web`, `/channels/pos/store-42`, `/services/orders`...
    public var source: String
    public var time: Date
    /// The aggregate id.
    public var subject: String?
    public var contentType: String
    /// The journey or order that ties a saga together.
    public var correlationID: String?
    /// The id of the message that caused this one.
    public var causationID: String?
    /// The sales channel (web, app, pos, kiosk, telesales, field, social, marketplace).
    public var channel: String?
    /// W3C trace context.
    public var traceparent: String?
    /// The JSON payload, exactly as received or to be sent.
    public var data: [UInt8]

    public init(
        id: UUID = UUID(), type: String, source: String, time: Date = Date(), subject: String? = nil,
        contentType: String = "application/json", correlationID: String? = nil, causationID: String? = nil,
        channel: String? = nil, traceparent: String? = nil, data: [UInt8]
    ) {
        self.id = id
        self.type = type
        self.source = source
        self.time = time
        self.subject = subject
        self.contentType = contentType
        self.correlationID = correlationID
        self.causationID = causationID
        self.channel = channel
        self.traceparent = traceparent
        self.data = data
    }

    /// An event whose data is `payload` encoded as JSON.
    public init<Payload: Encodable>(
        type: String, source: String, subject: String?, payload: Payload,
        correlationID: String? = nil, causationID: String? = nil, channel: String? = nil, traceparent: String? = nil
    ) throws {
        self.init(
            type: type, source: source, subject: subject, correlationID: correlationID, causationID: causationID,
            channel: channel, traceparent: traceparent, data: Array(try JSONCoding.encoder.encode(payload))
        )
    }

    /// A new event caused by `cause`: it inherits the correlation id, channel and trace.
    public init<Payload: Encodable>(
        type: String, source: String, subject: String?, payload: Payload, causedBy cause: CloudEvent
    ) throws {
        self.init(type: type, source: source, subject: subject, data: Array(try JSONCoding.encoder.encode(payload)), causedBy: cause)
    }

    /// The same with `data` already encoded.
    public init(type: String, source: String, subject: String?, data: [UInt8], causedBy cause: CloudEvent) {
        self.init(
            type: type, source: source, subject: subject,
            correlationID: cause.correlationID ?? cause.id.uuidString.lowercased(),
            causationID: cause.id.uuidString.lowercased(), channel: cause.channel, traceparent: cause.traceparent, data: data
        )
    }

    /// Decodes `data` as JSON.
    public func decode<Payload: Decodable>(_ type: Payload.Type) throws -> Payload {
        do {
            return try JSONCoding.decoder.decode(Payload.self, from: Data(data))
        } catch {
            throw EnvelopeError.undecodableData(self.type, "\(error)")
        }
    }
}

/// Why an envelope was refused. These are permanent: the message goes to the DLQ.
public enum EnvelopeError: Error, Equatable, CustomStringConvertible {
    case missingHeader(String)
    case invalidHeader(String, String)
    case unsupportedSpecVersion(String)
    case unsupportedContentType(String)
    case undecodableData(String, String)

    /// A short machine-readable code, used in DLQ headers.
    public var code: String {
        switch self {
        case .missingHeader: "missing-header"
        case .invalidHeader: "invalid-header"
        case .unsupportedSpecVersion: "unsupported-specversion"
        case .unsupportedContentType: "unsupported-content-type"
        case .undecodableData: "undecodable-data"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let name): "missing header \(name)"
        case .invalidHeader(let name, let value): "invalid \(name): '\(value)'"
        case .unsupportedSpecVersion(let version): "unsupported ce_specversion '\(version)' (expected 1.0)"
        case .unsupportedContentType(let type): "unsupported content-type '\(type)' (expected application/json)"
        case .undecodableData(let type, let detail): "data of \(type) cannot be decoded: \(detail)"
        }
    }
}

// MARK: - Kafka binary mode

extension CloudEvent {
    /// Header names of DESIGN.md.
    public enum Header {
        public static let specVersion = "ce_specversion"
        public static let id = "ce_id"
        public static let type = "ce_type"
        public static let source = "ce_source"
        public static let time = "ce_time"
        public static let subject = "ce_subject"
        public static let contentType = "content-type"
        public static let correlationID = "ce_correlationid"
        public static let causationID = "ce_causationid"
        public static let channel = "ce_channel"
        public static let traceparent = "traceparent"
    }

    /// `omni.<service>.<Name>.v<N>`: service `[a-z]+`, name `[A-Z][A-Za-z0-9]*`, version
    /// `v[0-9]+`. Checked on the UTF-8 bytes: it runs for every message consumed.
    public static func isValidType(_ type: String) -> Bool {
        let parts = type.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].elementsEqual("omni".utf8) else { return false }
        let service = parts[1], name = parts[2], version = parts[3]
        func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
        func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        return !service.isEmpty && service.allSatisfy(isLower)
            && name.first.map(isUpper) == true && name.allSatisfy { isLower($0) || isUpper($0) || isDigit($0) }
            && version.count >= 2 && version.first == UInt8(ascii: "v") && version.dropFirst().allSatisfy(isDigit)
    }

    /// The attributes as they travel, as text: what the outbox stores beside the data.
    public struct Attributes: Sendable, Equatable {
        public var id: String
        public var type: String
        public var source: String
        /// `ce_time` as sent (RFC 3339, milliseconds).
        public var time: String
        public var subject: String?
        public var contentType: String
        public var correlationID: String?
        public var causationID: String?
        public var channel: String?
        public var traceparent: String?

        public init(id: String, type: String, source: String, time: String, subject: String?, contentType: String,
                    correlationID: String?, causationID: String?, channel: String?, traceparent: String?) {
            self.id = id
            self.type = type
            self.source = source
            self.time = time
            self.subject = subject
            self.contentType = contentType
            self.correlationID = correlationID
            self.causationID = causationID
            self.channel = channel
            self.traceparent = traceparent
        }

        /// One header per attribute that has a value.
        public var kafkaHeaders: [KafkaHeader] {
            var headers: [KafkaHeader] = [
                .init(key: Header.specVersion, string: CloudEvent.specVersion),
                .init(key: Header.id, string: id),
                .init(key: Header.type, string: type),
                .init(key: Header.source, string: source),
                .init(key: Header.time, string: time),
                .init(key: Header.contentType, string: contentType),
            ]
            headers.reserveCapacity(11)
            if let subject { headers.append(.init(key: Header.subject, string: subject)) }
            if let correlationID { headers.append(.init(key: Header.correlationID, string: correlationID)) }
            if let causationID { headers.append(.init(key: Header.causationID, string: causationID)) }
            if let channel { headers.append(.init(key: Header.channel, string: channel)) }
            if let traceparent { headers.append(.init(key: Header.traceparent, string: traceparent)) }
            return headers
        }
    }

    public var attributes: Attributes {
        Attributes(id: id.uuidString.lowercased(), type: type, source: source, time: Timestamp.format(time), subject: subject,
                   contentType: contentType, correlationID: correlationID, causationID: causationID, channel: channel, traceparent: traceparent)
    }

    public var kafkaHeaders: [KafkaHeader] { attributes.kafkaHeaders }

    /// Reads and validates an envelope from a Kafka record's headers and value.
    public init(kafkaHeaders headers: [KafkaHeader], value: [UInt8]) throws(EnvelopeError) {
        func required(_ name: String) throws(EnvelopeError) -> String {
            guard let header = headers.last(where: { $0.key == name }) else { throw .missingHeader(name) }
            guard let text = header.stringValue, !text.isEmpty else { throw .invalidHeader(name, "not UTF-8 text") }
            return text
        }
        let version = try required(Header.specVersion)
        guard version == Self.specVersion else { throw .unsupportedSpecVersion(version) }
        let idText = try required(Header.id)
        guard let id = UUID(uuidString: idText) else { throw .invalidHeader(Header.id, idText) }
        let type = try required(Header.type)
        guard Self.isValidType(type) else { throw .invalidHeader(Header.type, type) }
        let source = try required(Header.source)
        guard source.hasPrefix("/") else { throw .invalidHeader(Header.source, source) }
        let timeText = try required(Header.time)
        guard let time = Timestamp.parse(timeText) else { throw .invalidHeader(Header.time, timeText) }
        let contentType = headers.string(Header.contentType) ?? "application/json"
        guard contentType.hasPrefix("application/json") else { throw .unsupportedContentType(contentType) }
        self.init(
            id: id, type: type, source: source, time: time, subject: headers.string(Header.subject),
            contentType: contentType, correlationID: headers.string(Header.correlationID),
            causationID: headers.string(Header.causationID), channel: headers.string(Header.channel),
            traceparent: headers.string(Header.traceparent), data: value
        )
    }

    public init(message: ConsumedMessage) throws(EnvelopeError) {
        try self.init(kafkaHeaders: message.headers, value: message.value)
    }

    /// The record to produce, keyed by `key` (the aggregate id).
    public func outgoingMessage(topic: String, key: String) -> OutgoingMessage {
        OutgoingMessage(topic: topic, key: key, value: data, headers: kafkaHeaders)
    }
}

/// RFC 3339 timestamps with milliseconds, as `ce_time` carries them.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    /// An RFC 3339 date-time, with or without fractional seconds; nil for anything else,
    /// an impossible date or time included.
    ///
    /// Upper-case `T` and `Z` (as the contracts' `Timestamp` says), and any offset RFC 3339
    /// allows, -23:59 to +23:59, with its colon (Foundation's parser stops at ±18:00, so the
    /// offset is applied here, not by it).
    public static func parse(_ text: String) -> Date? {
        guard fieldsAreValid(text), let (local, offset) = splitOffset(text) else { return nil }
        let utc = local + "Z"
        if utc.utf8.dropFirst(19).first == UInt8(ascii: "."),
           let date = try? Date(utc, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted)) {
            return date.addingTimeInterval(-offset)
        }
        guard local.utf8.count == 19, let date = try? Date(utc, strategy: .iso8601) else { return nil }
        return date.addingTimeInterval(-offset)
    }

    /// `…Z` or `…±hh:mm` → the local part and the offset in seconds; nil for anything else
    /// (`±hhmm` included: RFC 3339 writes the colon, and so does every schema of ours).
    static func splitOffset(_ text: String) -> (String, TimeInterval)? {
        if text.hasSuffix("Z") { return (String(text.dropLast()), 0) }
        let bytes = Array(text.utf8)
        guard bytes.count >= 25, bytes[bytes.count - 3] == UInt8(ascii: ":") else { return nil }
        let sign = bytes[bytes.count - 6]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let digits = bytes.suffix(5).filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let values = digits.map { Int($0 - UInt8(ascii: "0")) }
        let hours = values[0] * 10 + values[1], minutes = values[2] * 10 + values[3]
        guard hours <= 23, minutes <= 59 else { return nil }
        let seconds = TimeInterval(hours * 3_600 + minutes * 60)
        return (String(text.dropLast(6)), sign == UInt8(ascii: "-") ? -seconds : seconds)
    }

    /// `YYYY-MM-DDThh:mm:ss` names a real instant. Foundation's parser rolls impossible
    /// ones over (February 31 → March 3, 25:00 → 01:00 the next day): a channel's typo
    /// would become another date instead of a refusal.
    static func fieldsAreValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(19))
        guard bytes.count == 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), hour <= 23, minute <= 59, second <= 59 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}

/// One JSON configuration for every payload: ISO dates, sorted keys (stable bytes).
public enum JSONCoding {
    /// One of each, shared: made once, not for every payload (encoding and decoding only read
    /// their settings, and Foundation's coders are safe to share). Never change their settings.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        // `.iso8601` would take February 31 as March 3 (see `Timestamp.fieldsAreValid`).
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }()
}
