import Foundation

/// How to read a price list, shared with the services that keep a read model of
/// `PriceChanged` (orders, promotions) so every channel gets the same price.
///
/// One entry of a price list: a channel's (or the default list's) price for a sku,
/// optionally for one store, within a validity window.
public struct PriceEntry: Sendable, Equatable {
    public var channel: String
    public var storeId: String?
    public var currency: String
    public var amountMinor: Int64
    public var validFrom: Date?
    public var validTo: Date?

    public init(channel: String, storeId: String?, currency: String, amountMinor: Int64, validFrom: Date?, validTo: Date?) {
        self.channel = channel
        self.storeId = storeId
        self.currency = currency
        self.amountMinor = amountMinor
        self.validFrom = validFrom
        self.validTo = validTo
    }

    public func isValid(at instant: Date) -> Bool {
        (validFrom.map { $0 <= instant } ?? true) && (validTo.map { instant < $0 } ?? true)
    }
}

/// Which price applies: the most specific list first (the channel for this store, the
/// channel, the default list for this store, the default list), and within a list the
/// valid entry that started last (a time-boxed price beats the standing one).
public enum PriceResolution {
    public static let defaultChannel = "default"

    public static func price(among entries: [PriceEntry], channel: String, storeId: String?, at instant: Date) -> PriceEntry? {
        var lists: [(String, String?)] = []
        if let storeId { lists.append((channel, storeId)) }
        lists.append((channel, nil))
        if let storeId { lists.append((defaultChannel, storeId)) }
        lists.append((defaultChannel, nil))
        for (listChannel, listStore) in lists {
            let valid = entries.filter { $0.channel == listChannel && $0.storeId == listStore && $0.isValid(at: instant) }
            if let best = valid.max(by: { ($0.validFrom ?? .distantPast) < ($1.validFrom ?? .distantPast) }) { return best }
        }
        return nil
    }
}
