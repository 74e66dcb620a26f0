/// What a credential may do: one service's resource and an action on it. Every HTTP route
/// and every command type names the one scope it needs (README, "Scopes").
public enum Scope: String, Sendable, Codable, CaseIterable, Comparable {
    case catalogRead = "catalog:read"
    case catalogWrite = "catalog:write"
    case stockRead = "stock:read"
    case stockWrite = "stock:write"
    case ordersRead = "orders:read"
    case ordersWrite = "orders:write"
    case customersRead = "customers:read"
    case customersWrite = "customers:write"
    case customersExport = "customers:export"
    case customersErase = "customers:erase"
    case piiAudit = "pii:audit"
    case leadsRead = "leads:read"
    case leadsWrite = "leads:write"
    case promotionsRead = "promotions:read"
    case promotionsWrite = "promotions:write"
    case notificationsRead = "notifications:read"
    case notificationsWrite = "notifications:write"
    case analyticsRead = "analytics:read"
    case interactionsWrite = "interactions:write"

    /// Scopes that reach personal data: only staff credentials may hold them, and each use
    /// is written to the PII access log.
    public var isPersonalData: Bool {
        switch self {
        case .customersRead, .customersExport, .customersErase, .piiAudit, .notificationsRead: true
        default: false
        }
    }

    public var summary: String {
        switch self {
        case .catalogRead: "products, prices, locations, availability"
        case .catalogWrite: "define products, channel prices and locations"
        case .stockRead: "stock counts and reservations at a location"
        case .stockWrite: "receive, adjust and count stock at a location"
        case .ordersRead: "orders, carts and quotes"
        case .ordersWrite: "carts, checkout, collection, cancellation, returns"
        case .customersRead: "a customer's profile, timeline, consents and journey (personal data)"
        case .customersWrite: "register, update and link customers, consents, loyalty"
        case .customersExport: "a customer's whole GDPR file"
        case .customersErase: "erase a customer"
        case .piiAudit: "the log of who read which customer's personal data"
        case .leadsRead: "leads and lead rules"
        case .leadsWrite: "capture, assign and convert leads; change lead rules"
        case .promotionsRead: "promotions, codes, basket quotes"
        case .promotionsWrite: "define and end promotions, issue codes"
        case .notificationsRead: "messages sent to a customer and their contact points (personal data)"
        case .notificationsWrite: "send a message"
        case .analyticsRead: "shop-wide journey figures (no personal data)"
        case .interactionsWrite: "record page views, store visits, QR scans, searches"
        }
    }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }
}
