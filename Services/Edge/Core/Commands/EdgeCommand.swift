import Foundation
import OmniAuth
import OmniMessaging

/// One command type a channel may send through the edge: where it goes, the scope it
/// needs, who may send it, and which event ends it.
struct EdgeCommand: Sendable {
    /// Who may send it, beyond holding the scope.
    enum Senders: Sendable {
        /// Any credential holding the scope.
        case any
        /// Only people (staff credentials): goodwill points, rules, shipping.
        case staff
        /// Only clients or staff acting as one of these channels (a till sale: `pos`).
        case channels(Set<String>)
    }

    /// What the edge made of a body: the payload it publishes and who it says it acts for.
    struct Checked: Sendable {
        var payload: [UInt8]
        /// The record key: the aggregate the command is about.
        var key: String
        var actingChannel: String?
        var actingStore: String?
    }

    let type: String
    let service: ServiceName
    /// The topic it is published to (the owner's `*.commands`, or `channels.interactions`).
    let topic: String
    let scope: Scope
    let senders: Senders
    /// Body fields the edge fills from the credential when the body leaves them out.
    let channelField: String?
    let storeField: String?
    /// Events that end the command, found by `ce_correlationid` (a saga's last step); empty:
    /// the first event the command itself causes (`ce_causationid`).
    let awaits: [String]
    /// Those of `awaits` that are a refusal (answered 422, like a `CommandRejected`).
    let rejects: [String]
    /// Decodes the body as the command's contract type and re-encodes what was checked.
    let check: @Sendable ([UInt8]) throws -> Checked

    static func make<Command: Codable & Sendable>(
        _ type: String, as _: Command.Type, _ service: ServiceName, topic: String? = nil, scope: Scope, senders: Senders = .any,
        channelField: String? = nil, storeField: String? = nil, awaits: [String] = [], rejects: [String] = [],
        key: @escaping @Sendable (Command) -> String
    ) -> EdgeCommand {
        EdgeCommand(
            type: type, service: service, topic: topic ?? Topics.commands(service), scope: scope, senders: senders,
            channelField: channelField, storeField: storeField, awaits: awaits, rejects: rejects
        ) { body in
            let command = try JSONCoding.decoder.decode(Command.self, from: Data(body))
            let acting = command as? any ActsForChannel
            return Checked(payload: Array(try JSONCoding.encoder.encode(command)), key: key(command),
                           actingChannel: acting?.actingChannel, actingStore: acting?.actingStore)
        }
    }
}
