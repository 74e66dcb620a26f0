import Foundation
import OmniAuth
import OmniMessaging
import OmniPersistence

/// What a command a console form sent came to.
enum ConsoleOutcome: Equatable {
    /// The service did it (its ending event's data, JSON text).
    case done(String?)
    /// The service, or the door, refused it: the reason's code.
    case refused(String)
    /// Sent; no answer within the wait (the page says so; the outcome still comes).
    case pending

    /// The word the pages show for it: `done` when done, else the reason's code.
    func word(done: String) -> String {
        switch self {
        case .done: done
        case .refused(let code): code
        case .pending: "pending"
        }
    }
}

extension Console {
    /// Sends `type` with `body` through the command door as `member`: their own credential
    /// (so channel, store and scopes are theirs, and the services see the person), the same
    /// admission, log and outbox as `POST /commands/{type}`, and a wait of up to eight
    /// seconds for the outcome. `key` makes a form sent twice one command.
    func send(_ type: String, _ body: [String: Any], key: String, as member: StaffDirectory.Member, signals: OutcomeSignals) async throws -> ConsoleOutcome {
        guard let role = Role(rawValue: member.role) else { return .refused("not-staff") }
        let credential = try Credential(role: role, name: member.name, stores: member.stores, validFor: 300)
        let admitted: AdmittedCommand
        do {
            admitted = try CommandAdmission.admit(type: type, body: Array(try JSONSerialization.data(withJSONObject: body)),
                                                  idempotencyKey: String(key.filter { $0.isASCII && $0 != " " }.prefix(255)), credential: credential)
        } catch {
            logger.notice("console command refused at the door", metadata: ["member": "\(member.name)", "type": "\(type)", "reason": "\(error)"])
            return .refused("refused")
        }
        let (record, _) = try await CommandLog.record(admitted, database: database)
        let ended = try await CommandRoutes.outcome(of: record, waiting: .seconds(8), database: database, signals: signals)
        switch ended.outcome {
        case nil: return .pending
        case let result? where result.status == 200: return .done(result.data)
        case let result?: return .refused(result.data.flatMap { RejectionReason(json: JSONText(text: $0))?.code } ?? "refused")
        }
    }
}
