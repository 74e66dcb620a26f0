import Crypto
import Foundation
import OmniAuth
import OmniMessaging

/// A command the edge accepted to publish: the checked payload and the envelope the
/// credential (never the body) decides.
struct AdmittedCommand: Sendable {
    let command: EdgeCommand
    let checked: EdgeCommand.Checked
    /// Derived from the client and the idempotency key: a repeat is the same command.
    let id: UUID
    let client: String
    let idempotencyKey: String
    /// `ce_source`: `/channels/pos/st-12`, `/channels/web`, `/staff/alice`.
    let source: String
    /// `ce_channel`.
    let channel: String?
    /// SHA-256 of the type and payload: a key reused for another command is refused.
    let digest: String

    /// The envelope the edge publishes; the correlation id is the command's own, so the
    /// saga's later events (an order's confirmation) lead back to it.
    var event: CloudEvent {
        CloudEvent(id: id, type: command.type, source: source, subject: recordKey, correlationID: id.uuidString.lowercased(),
                   channel: channel, data: checked.payload)
    }

    /// The aggregate the command is about, or its own id when the body names none.
    var recordKey: String { checked.key.isEmpty ? id.uuidString.lowercased() : checked.key }
}

/// Why the edge refuses to publish a command (before anything is sent).
enum AdmissionRefusal: Error, Equatable, CustomStringConvertible {
    case unknownType(String)
    case missingIdempotencyKey
    case invalidIdempotencyKey
    case malformed(String)
    case missingScope(Scope)
    case staffOnly(String)
    case channelNotAllowed(type: String, channel: String?)
    case otherChannel(claimed: String, own: String)
    case otherStore(String)

    var description: String {
        switch self {
        case .unknownType(let type):
            "\(type) is not a command channels may send (GET the README's list; saga steps are the services' own)"
        case .missingIdempotencyKey: "send an Idempotency-Key header: a retry with the same key gets the same answer and sends nothing twice"
        case .invalidIdempotencyKey: "the Idempotency-Key must be 1 to 255 visible ASCII characters"
        case .malformed(let reason): "the body is not a valid command of this type: \(reason)"
        case .missingScope(let scope): "the credential lacks the scope \(scope.rawValue)"
        case .staffOnly(let type): "\(type) is decided by a person: only a staff credential may send it"
        case .channelNotAllowed(let type, let channel): "\(type) may not be sent as channel \(channel ?? "(none)")"
        case .otherChannel(let claimed, let own): "the body acts as channel \(claimed); this credential acts as \(own) only"
        case .otherStore(let store): "the credential may not act for store \(store)"
        }
    }
}

/// Turns a request into a command to publish, or says why not. Pure: no I/O.
enum CommandAdmission {
    static func admit(type: String, body: [UInt8], idempotencyKey: String?, credential: Credential) throws(AdmissionRefusal) -> AdmittedCommand {
        guard let command = CommandCatalog.byType[type] else { throw .unknownType(String(type.prefix(200))) }
        guard let key = idempotencyKey else { throw .missingIdempotencyKey }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else { throw .invalidIdempotencyKey }
        guard credential.holds(command.scope) else { throw .missingScope(command.scope) }
        if command.scope.isPersonalData, credential.kind != .staff { throw .staffOnly(type) }
        switch command.senders {
        case .any: break
        case .staff: if credential.kind != .staff { throw .staffOnly(type) }
        case .channels(let allowed):
            guard let channel = credential.channel, allowed.contains(channel) else { throw .channelNotAllowed(type: type, channel: credential.channel) }
        }
        let checked: EdgeCommand.Checked
        do {
            checked = try command.check(try filled(body, for: command, credential: credential))
        } catch let refusal as AdmissionRefusal {
            throw refusal
        } catch {
            throw .malformed(describe(error))
        }
        if let own = credential.channel, let claimed = checked.actingChannel, claimed != own { throw .otherChannel(claimed: claimed, own: own) }
        if let store = checked.actingStore, !credential.mayActFor(store: store) { throw .otherStore(store) }
        let store = checked.actingStore ?? credential.homeStore
        return AdmittedCommand(
            command: command, checked: checked, id: commandID(client: credential.subject, idempotencyKey: key), client: credential.subject,
            idempotencyKey: key, source: credential.source(store: store), channel: credential.channel ?? checked.actingChannel,
            digest: sha256Hex(Array(type.utf8) + [0x0a] + checked.payload))
    }

    /// The body with the channel and store the credential fixes, where it leaves them out.
    static func filled(_ body: [UInt8], for command: EdgeCommand, credential: Credential) throws -> [UInt8] {
        let store = credential.homeStore
        guard (command.channelField != nil && credential.channel != nil) || (command.storeField != nil && store != nil) else { return body }
        guard var object = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) as? [String: Any] else {
            throw AdmissionRefusal.malformed("a command is a JSON object")
        }
        if let field = command.channelField, object[field] == nil, let channel = credential.channel { object[field] = channel }
        if let field = command.storeField, object[field] == nil, let store { object[field] = store }
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    /// An id that only this client with this key produces: UUID version 8 (RFC 9562,
    /// custom) from SHA-256, so the edge also recognises its own commands' outcomes.
    static func commandID(client: String, idempotencyKey: String) -> UUID {
        var bytes = Array(SHA256.hash(data: Array("omni-edge\n\(client)\n\(idempotencyKey)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// SHA-256 in lower-case hex (a body's digest, a session cookie's stored hash).
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `id` is one the edge made (version 8).
    static func isEdgeCommand(_ id: UUID) -> Bool { id.uuid.6 >> 4 == 8 }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "not JSON (\(error.localizedDescription))" }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the body" : String(path.dropFirst(path.hasPrefix(".") ? 1 : 0))
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is required".replacingOccurrences(of: "the body.", with: "")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(decoding)"
        }
    }
}

extension Credential {
    /// The one store a store-bound credential stands in (a till, a kiosk), if it has one.
    var homeStore: String? { stores.count == 1 && stores[0] != Credential.allStores ? stores[0] : nil }
}
