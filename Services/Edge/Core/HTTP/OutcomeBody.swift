import Foundation

/// What the edge says about a command: pending, succeeded or rejected, with the event
/// that ended it (its data as the service published it).
struct OutcomeBody: Encodable {
    struct Outcome: Encodable {
        var type: String
        var eventId: String?
        var at: Date
        var data: JSONText?
    }

    var commandId: String
    var type: String
    var status: String
    var acceptedAt: Date
    var outcome: Outcome?
    var poll: String

    init(_ record: CommandRecord) {
        commandId = record.id.uuidString.lowercased()
        type = record.type
        acceptedAt = record.acceptedAt
        poll = "/outcomes/\(commandId)"
        if let ended = record.outcome {
            status = ended.status == 422 ? "rejected" : "succeeded"
            outcome = Outcome(type: ended.type, eventId: ended.eventID?.uuidString.lowercased(), at: ended.at, data: ended.data.map(JSONText.init))
        } else {
            status = "pending"
        }
    }
}

/// 422 problem+json for a command a service refused: its reason code and message.
struct RejectionProblem: Encodable {
    var type: String = "https://omni.example/problems/command-rejected"
    var title: String
    var status: Int = 422
    var detail: String
    var reasonCode: String
    var commandId: String
    var outcome: OutcomeBody.Outcome?
}

/// The `reasonCode` and `message` of a `CommandRejected` or an `OrderRejected`.
struct RejectionReason {
    var code: String
    var message: String

    init?(json: JSONText) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any],
              let code = object["reasonCode"] as? String else { return nil }
        self.code = code
        message = object["message"] as? String ?? code
    }
}

/// JSON kept as the text it came as (a service's event data), written into an answer as
/// JSON, not as a string. Checked to be JSON when it was recorded.
struct JSONText: Encodable {
    var text: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
    }
}

/// Any JSON value, decoded and encoded again as it was (booleans stay booleans).
private enum JSONValue: Codable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
