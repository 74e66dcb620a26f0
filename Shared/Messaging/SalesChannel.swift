/// The channels a retailer sells through (the `ce_channel` extension and the `channel`
/// field of commands). Store channels act for one store; the others sell from the network.
public enum SalesChannel: String, Sendable, Codable, CaseIterable {
    case web, app, pos, kiosk, tablet, telesales, field, social, marketplace

    /// POS, kiosks and associates' tablets stand in a store and need its id.
    public var isInStore: Bool {
        switch self {
        case .pos, .kiosk, .tablet: true
        default: false
        }
    }
}
