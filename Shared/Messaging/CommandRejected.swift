/// The payload of every service's `omni.<service>.CommandRejected.v1`: a command that was
/// well-formed but invalid (unknown sku, quantity ≤ 0, expired code...). The event is
/// caused-by the command (`ce_causationid`) and carries its subject.
public struct CommandRejected: Codable, Sendable, Equatable {
    public var commandID: String
    public var commandType: String
    /// Stable and machine-readable: `unknown-sku`, `invalid-quantity`, ...
    public var reasonCode: String
    /// For a person: what was wrong and how to fix it.
    public var message: String
    public var subject: String?

    public init(commandID: String, commandType: String, reasonCode: String, message: String, subject: String?) {
        self.commandID = commandID
        self.commandType = commandType
        self.reasonCode = reasonCode
        self.message = message
        self.subject = subject
    }
}

/// Why a command is refused; handlers throw it and the service turns it into its
/// `CommandRejected` event.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
