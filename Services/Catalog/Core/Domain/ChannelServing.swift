import CatalogContracts
import OmniMessaging

/// A location as the stock rules see it.
public struct LocationProfile: Sendable, Equatable {
    public var id: String
    public var kind: UpsertLocation.Kind
    public var coordinates: GeoPoint
    public var clickAndCollect: Bool
    public var shipFromStore: Bool
    public var active: Bool

    public init(id: String, kind: UpsertLocation.Kind, coordinates: GeoPoint, clickAndCollect: Bool, shipFromStore: Bool, active: Bool) {
        self.id = id
        self.kind = kind
        self.coordinates = coordinates
        self.clickAndCollect = clickAndCollect
        self.shipFromStore = shipFromStore
        self.active = active
    }

    /// Warehouses and ship-from-store stores serve the online channels.
    public var servesOnline: Bool { active && (kind == .warehouse || shipFromStore) }
}

/// Which locations' stock a channel sells: the online channels (web, app, telesales,
/// field sales, social, marketplaces) sell the warehouses' and the ship-from-store
/// stores' stock; a store's POS, kiosks and tablets sell that store's.
public enum ChannelServing {
    public static func locations(for channel: SalesChannel, storeId: String?, among locations: [LocationProfile]) throws(Rejection) -> [LocationProfile] {
        if channel.isInStore {
            guard let storeId, !storeId.isEmpty else {
                throw Rejection("store-required", "the \(channel.rawValue) channel sells one store's stock: name the store")
            }
            guard let store = locations.first(where: { $0.id == storeId }) else {
                throw Rejection("unknown-location", "no location \(storeId)")
            }
            guard store.kind == .store else { throw Rejection("not-a-store", "\(storeId) is a \(store.kind.rawValue), not a store") }
            return [store]
        }
        return locations.filter(\.servesOnline)
    }

    public static func channel(_ text: String) throws(Rejection) -> SalesChannel {
        guard let channel = SalesChannel(rawValue: text) else {
            throw Rejection("unknown-channel", "unknown channel '\(text)'; one of \(SalesChannel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return channel
    }
}
