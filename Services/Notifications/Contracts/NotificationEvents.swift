/// A message, as every notification event carries it (never its body).
public struct NotificationEvent: Codable, Sendable, Equatable {
    public var messageId: String
    public var customerId: String?
    /// What caused it: `order-confirmed`, `ready-for-pickup`, ...
    public var trigger: String
    public var template: String
    public var locale: String
    public var medium: String
    public var transactional: Bool
    /// Why it was suppressed or failed.
    public var reason: String?
    public init(messageId: String, customerId: String?, trigger: String, template: String, locale: String, medium: String, transactional: Bool,
                reason: String? = nil) {
        self.messageId = messageId
        self.customerId = customerId
        self.trigger = trigger
        self.template = template
        self.locale = locale
        self.medium = medium
        self.transactional = transactional
        self.reason = reason
    }
}
