import Foundation

/// A bundle of scopes for a kind of caller: what `omni-cli auth client` and
/// `omni-cli auth staff` grant (README, "Scopes"). A credential holds the scopes
/// themselves, so changing a role here changes only the credentials issued after.
public enum Role: String, Sendable, Codable, CaseIterable {
    // Channel clients: systems acting as one channel.
    case webShop = "web-shop"
    case app
    case pos
    case kiosk
    case telesalesDesk = "telesales-desk"
    case marketplace
    case social
    case backOffice = "back-office"
    // Staff: people, whose credentials may reach personal data.
    case storeAssociate = "store-associate"
    case telesalesAgent = "telesales-agent"
    case fieldRep = "field-rep"
    case marketing
    case ops
    case dpo

    public var isStaff: Bool {
        switch self {
        case .storeAssociate, .telesalesAgent, .fieldRep, .marketing, .ops, .dpo: true
        default: false
        }
    }

    /// Roles that stand in one store and must name it (POS, kiosk, a store's associates).
    public var needsStore: Bool { self == .pos || self == .kiosk || self == .storeAssociate }

    /// The channel a credential of this role acts as, when the role fixes it.
    public var channel: String? {
        switch self {
        case .webShop: "web"
        case .app: "app"
        case .pos: "pos"
        case .kiosk: "kiosk"
        case .telesalesDesk, .telesalesAgent: "telesales"
        case .marketplace: "marketplace"
        case .social: "social"
        case .storeAssociate: "tablet"
        case .fieldRep: "field"
        case .backOffice, .marketing, .ops, .dpo: nil
        }
    }

    public var scopes: Set<Scope> {
        switch self {
        case .webShop, .app:
            [.catalogRead, .ordersRead, .ordersWrite, .customersWrite, .promotionsRead, .interactionsWrite, .leadsWrite]
        case .pos:
            [.catalogRead, .stockRead, .ordersRead, .ordersWrite, .customersWrite, .promotionsRead, .interactionsWrite]
        case .kiosk:
            [.catalogRead, .stockRead, .ordersWrite, .interactionsWrite, .leadsWrite]
        case .telesalesDesk:
            [.catalogRead, .ordersRead, .ordersWrite, .customersWrite, .promotionsRead, .leadsWrite]
        case .marketplace, .social:
            [.catalogRead, .ordersRead, .ordersWrite, .interactionsWrite]
        case .backOffice:
            [.catalogRead, .catalogWrite, .stockRead, .stockWrite, .promotionsRead]
        case .storeAssociate:
            [.catalogRead, .stockRead, .stockWrite, .ordersRead, .ordersWrite, .customersRead, .customersWrite,
             .leadsRead, .leadsWrite, .promotionsRead, .notificationsRead, .interactionsWrite]
        case .telesalesAgent:
            [.catalogRead, .ordersRead, .ordersWrite, .customersRead, .customersWrite, .leadsRead, .leadsWrite,
             .promotionsRead, .notificationsRead]
        case .fieldRep:
            [.catalogRead, .stockRead, .ordersRead, .ordersWrite, .customersRead, .customersWrite, .leadsRead, .leadsWrite]
        case .marketing:
            [.catalogRead, .promotionsRead, .promotionsWrite, .analyticsRead, .leadsRead, .notificationsWrite]
        case .ops:
            [.catalogRead, .catalogWrite, .stockRead, .stockWrite, .ordersRead, .ordersWrite, .promotionsRead,
             .analyticsRead, .leadsRead, .leadsWrite]
        case .dpo:
            [.customersRead, .customersExport, .customersErase, .piiAudit, .notificationsRead, .ordersRead]
        }
    }
}

extension Credential {
    /// A credential for `role`, as `omni-cli auth client|staff` issues it: the role's
    /// scopes, its channel, and the stores it must (POS, kiosk, associate) or may name.
    public init(role: Role, name: String, stores: [String] = [], channel: String? = nil, issuedAt: Date = Date(),
                validFor: TimeInterval) throws(RoleMismatch) {
        if role == .pos || role == .kiosk, stores.count != 1 { throw RoleMismatch("a \(role.rawValue) acts for exactly one store") }
        if role == .storeAssociate, stores.isEmpty { throw RoleMismatch("a store associate works for at least one store") }
        if let fixed = role.channel, let channel, channel != fixed { throw RoleMismatch("a \(role.rawValue) acts as the \(fixed) channel") }
        if let channel, !Self.channels.contains(channel) { throw RoleMismatch("unknown channel \(channel)") }
        self.init(subject: "\(role.isStaff ? "staff" : "client"):\(name)", kind: role.isStaff ? .staff : .client, role: role.rawValue,
                  channel: role.channel ?? channel, stores: role.needsStore || !stores.isEmpty ? stores : [Self.allStores],
                  scopes: Array(role.scopes), issuedAt: issuedAt, validFor: validFor)
    }

    /// The sales channels of `SalesChannel` (OmniMessaging), which this module does not import.
    static let channels: Set<String> = ["web", "app", "pos", "kiosk", "tablet", "telesales", "field", "social", "marketplace"]
}

public struct RoleMismatch: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
