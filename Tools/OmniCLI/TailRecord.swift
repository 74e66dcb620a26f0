import Foundation
import OmniKafka
import OmniMessaging

/// One consumed record as a person reads it.
struct TailRecord {
    var position: String
    var key: String?
    var timestamp: Date
    var headers: [(String, String)]
    var type: String?
    var envelopeProblem: String?
    var payload: String

    init(message: ConsumedMessage) {
        position = "\(message.topicPartition)@\(message.offset)"
        key = message.keyString
        timestamp = Date(timeIntervalSince1970: Double(message.timestampMilliseconds) / 1000)
        headers = message.headers.map { ($0.key, $0.stringValue ?? "<\($0.value.count) bytes>") }
        type = message.headers.first { $0.key == CloudEvent.Header.type }?.stringValue
        do {
            _ = try CloudEvent(message: message)
        } catch {
            envelopeProblem = error.description
        }
        payload = TailRecord.prettyJSON(message.value)
    }

    static func prettyJSON(_ bytes: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]),
           let text = String(data: pretty, encoding: .utf8) {
            return text
        }
        if let text = String(validating: bytes, as: UTF8.self) { return "(not JSON) \(text)" }
        return "(\(bytes.count) bytes, not UTF-8) " + bytes.prefix(64).map { String(format: "%02x", $0) }.joined()
    }

    /// `catalog.events[3]@17  omni.catalog.PriceChanged.v1  key=SKU-1`, then the headers
    /// by name (`ce_` dropped), then the payload.
    func readable() -> String {
        var lines = ["\(position)  \(type ?? "(no ce_type)")  key=\(key ?? "-")  at \(Timestamp.format(timestamp))"]
        let width = headers.map { display($0.0).count }.max() ?? 0
        for (name, value) in headers where name != CloudEvent.Header.type {
            lines.append("  \(display(name).padding(toLength: width, withPad: " ", startingAt: 0))  \(value)")
        }
        if let envelopeProblem { lines.append("  !! not a valid Omni envelope: \(envelopeProblem)") }
        lines.append(payload.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }

    private func display(_ header: String) -> String {
        header.hasPrefix("ce_") ? String(header.dropFirst(3)) : header
    }

    /// For scripts: `{"position":..., "key":..., "headers":{...}, "data":<payload>}`.
    func jsonLine() -> String {
        var object: [String: Any] = [
            "position": position, "timestamp": Timestamp.format(timestamp),
            "headers": Dictionary(headers, uniquingKeysWith: { $1 }),
        ]
        if let key { object["key"] = key }
        if let envelopeProblem { object["envelopeProblem"] = envelopeProblem }
        object["data"] = (try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])) ?? payload
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
